/**
 * Side-effect entry point: installs the Tizen LibTeec globals on load, for
 * `node -r rx-teec/tizen/register app.js` or a first line `require('rx-teec/tizen/register')`.
 * @example node -r rx-teec/tizen/register examples/tizen/connect.js
 * @module
 */
import { installGlobals } from './globals';

installGlobals();
