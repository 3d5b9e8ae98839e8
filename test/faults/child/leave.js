// Child process of test/faults/teardown.test.ts (issue 3, scenario 10). Produces a paced stream of
// keyed records with rxkafka as built in dist/ (run `npm run build` first), leaves it mid-stream,
// prints `LEFT <acks>`, and must then exit by itself: a socket, timer or listener the producer left
// behind would keep it alive. Until it exits, it prints the resources still keeping it alive every
// 500 ms (`ALIVE ...`), for the parent's failure message.
//
//   node leave.js <bootstrap> <topic> unsubscribe|error|close
//     unsubscribe  toKafka, unsubscribed after 2000 acks (toKafka owns and closes the producer)
//     error        toKafka, the source errors after 30,000 records (stopOnError false)
//     close        createProducer + produce, unsubscribed after 2000 acks, then producer.close(2000)
'use strict';
const path = require('path');
const { concat, concatMap, interval, map, range, take, throwError } = require('rxjs');
const { createProducer, toKafka } = require(path.resolve(__dirname, '..', '..', '..', 'dist', 'operators'));

const [bootstrap, topic, mode] = process.argv.slice(2);
const N = 100000;
const PER_TICK = 167; // 100k records over about 6 s, 10 ms ticks
const config = { brokers: bootstrap, topic, lingerMs: 5, stopOnError: false, logLevel: 'silent' };

const records = interval(10).pipe(
  concatMap((t) => range(t * PER_TICK, PER_TICK)),
  take(N),
  map((i) => ({ key: `k${i % 600}`, value: `v${i}`.padEnd(100, '.'), meta: i })),
);

let acks = 0;
function left() {
  console.log(`LEFT ${acks}`);
  setInterval(() => console.log(`ALIVE ${process.getActiveResourcesInfo().join(',')}`), 500).unref();
}

if (mode === 'unsubscribe') {
  const sub = records.pipe(toKafka(config)).subscribe(() => {
    if (++acks === 2000) {
      sub.unsubscribe();
      left();
    }
  });
} else if (mode === 'error') {
  concat(records.pipe(take(30000)), throwError(() => new Error('upstream failed')))
    .pipe(toKafka(config))
    .subscribe({
      next: () => acks++,
      error: (err) => {
        if (err.message !== 'upstream failed') console.log(`UNEXPECTED ${err.message}`);
        left();
      },
      complete: () => console.log('UNEXPECTED complete'),
    });
} else if (mode === 'close') {
  const producer = createProducer(config);
  const sub = producer.produce(records).subscribe(() => {
    if (++acks === 2000) {
      sub.unsubscribe();
      producer.close(2000).then(left);
    }
  });
} else {
  console.error(`unknown mode '${mode}'`);
  process.exit(2);
}
