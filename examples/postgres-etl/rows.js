'use strict';
/**
 * The source: a table's rows after a position, in position order, through a server-side cursor
 * (pg-cursor), `fetchRows` at a time. An async generator, so the producer pulls it: the next
 * batch of rows is fetched only when the producer has room for more records, and memory holds
 * one batch of rows plus what the producer buffers, however large the table.
 *
 * The value of each record is the row as JSON, made by PostgreSQL (row_to_json).
 */
const Cursor = require('pg-cursor');

/** A table or column name as a quoted SQL identifier ("a""b"); schema.table is allowed. */
function identifier(name, what) {
  if (typeof name !== 'string' || name === '') throw new Error(`${what} is empty: name a table and its key column`);
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/**
 * @param client a connected pg Client, used by nothing else while the generator runs
 * @param {{ table: string, keyColumn: string, after: number, fetchRows: number, stopping: () => boolean }} opts
 * @returns {AsyncGenerator<{ position: number, json: string }>}
 */
async function* rowsAfter(client, { table, keyColumn, after, fetchRows, stopping }) {
  const key = identifier(keyColumn, 'the key column');
  const sql = `SELECT t.${key} AS position, row_to_json(t)::text AS json FROM ${identifier(table, 'the table')} t WHERE t.${key} > $1 ORDER BY t.${key}`;
  const cursor = client.query(new Cursor(sql, [after]));
  try {
    while (!stopping()) {
      const rows = await cursor.read(fetchRows);
      if (rows.length === 0) return;
      for (const row of rows) {
        // bigint columns arrive as strings; positions are compared as numbers.
        const position = Number(row.position);
        if (!Number.isSafeInteger(position)) throw new Error(`${table}.${keyColumn} = ${row.position} is not an integer below 2^53: the key column must be an integer`);
        yield { position, json: row.json };
      }
    }
  } finally {
    await cursor.close();
  }
}

module.exports = { rowsAfter };
