#!/usr/bin/env node
// The `idemkey` command.
process.stdout.write('idemkey: commands are being built\n');
