#!/usr/bin/env node
'use strict';
// `npm start`: the main demo on the embedded simulator — a file decrypted inside a TA, through the
// reactive pipeline, checked by SHA-256. Pass options through: `npm start -- --mib 512`.
require('../examples/decrypt-file.js');
