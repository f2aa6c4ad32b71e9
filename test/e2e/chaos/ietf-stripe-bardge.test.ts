import { chaosSuite } from './suite.js';

chaosSuite(['ietf', 'stripe', 'bardge']);
