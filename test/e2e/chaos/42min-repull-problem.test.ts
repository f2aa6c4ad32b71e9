import { chaosSuite } from './suite.js';

chaosSuite(['42min', 'repull', 'problem']);
