#!/usr/bin/env node
'use strict';
// `npm start`: the main demo on the embedded simulator.
require('../examples/digest-stream.js');
