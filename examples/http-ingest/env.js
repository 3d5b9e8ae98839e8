'use strict';
// The settings of server.js and loadgen.js, from the environment, refused clearly when wrong.

/** `name` as a non-negative integer, `fallback` when unset; exits 2 naming it when it is not one. */
function envInt(program, name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${program}: ${name} must be a non-negative integer, got '${text}'`);
    process.exit(2);
  }
  return n;
}

module.exports = { envInt };
