// The Powertools for AWS Lambda (TypeScript) side of the paired DynamoDB bench
// (bench/IdempotentConsumer.DynamoDB.Bench). One long-lived process per emulator: it warms up once, then runs one
// timed round each time the bench asks, so that rounds of ours and of this peer can alternate in time while both
// sides stay warm (a fresh node process would time its own JIT and connection set-up).
//
// Usage:  node bench-peer.mjs            (then one command a line on stdin: "round", or "exit")
// Env:    DDB_ENDPOINT, DDB_TABLE (default idempotency-peer), MODE = store | batch, N (records per phase),
//         CONCURRENCY (calls or batch invocations in flight), WARMUP (records run new then as duplicates before
//         the first round; each new record is 2 calls and each duplicate 1).
// store:  makeIdempotent(processRecord) + DynamoDBPersistenceLayer, key = messageId; a round times N new records,
//         then the same N again as duplicates.
// batch:  SQS events of 10 records through BatchProcessor + processPartialResponse, each record made idempotent by
//         makeIdempotent with key powertools_json(body).messageId; a round times N records first delivered, then
//         redelivered. A BatchProcessor keeps per-invocation state, so each invocation in flight has its own.
// Prints one JSON line per event: {"event":"ready",...} after the warm-up, {"event":"round",...} per round, each
// phase with opsPerSec, cpuMicrosPerRecord (this process's user + system CPU over the phase ÷ records) and executions.
import { createInterface } from 'node:readline';
import { makeIdempotent, IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient, CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';

const endpoint = process.env.DDB_ENDPOINT;
const tableName = process.env.DDB_TABLE ?? 'idempotency-peer';
const mode = process.env.MODE ?? 'store';
const records = Number.parseInt(process.env.N ?? '2000', 10);
const concurrency = Number.parseInt(process.env.CONCURRENCY ?? '16', 10);
const warmup = Number.parseInt(process.env.WARMUP ?? '5000', 10);
const batchSize = 10;
if (!endpoint) throw new Error('DDB_ENDPOINT is required');
if (mode !== 'store' && mode !== 'batch') throw new Error(`MODE must be store or batch, not ${mode}`);

const clientConfig = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testAccessKey', secretAccessKey: 'testSecretKey' },
  // The SDK's default, as our client's (standard retry mode, 3 attempts): the emulators close idle keep-alive
  // connections while the other side's round runs, and a request racing that close fails with ECONNRESET.
  maxAttempts: 3,
};

async function createTableIfMissing() {
  const client = new DynamoDBClient(clientConfig);
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 400; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} is not ACTIVE`);
}

let executions = 0;
const persistenceStore = new DynamoDBPersistenceLayer({ tableName, clientConfig });

function storeSide() {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'messageId', expiresAfterSeconds: 3600 });
  // No Lambda context here: a stand-in gives the in-progress lease 30 s, as ours.
  config.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 });
  const idempotent = makeIdempotent(async (message) => {
    executions++;
    return { processed: message.messageId, length: message.body.length };
  }, { persistenceStore, config });
  return {
    units: (ids) => ids.map((id, i) => ({ messageId: id, body: `{"orderId":${i}}` })),
    run: async (message) => {
      const result = await idempotent(message);
      if (result.processed !== message.messageId) throw new Error(`${message.messageId} got the result of ${result.processed}`);
    },
  };
}

async function batchSide() {
  const { BatchProcessor, EventType, processPartialResponse } = await import('@aws-lambda-powertools/batch');
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).messageId', expiresAfterSeconds: 3600 });
  const context = { getRemainingTimeInMillis: () => 300_000, functionName: 'bench-batch', awsRequestId: 'bench' };
  config.registerLambdaContext(context);
  const idempotentRecord = makeIdempotent(async (record) => {
    executions++;
    const order = JSON.parse(record.body);
    return { processed: order.messageId, length: order.body.length };
  }, { persistenceStore, config });
  const idle = Array.from({ length: concurrency }, () => new BatchProcessor(EventType.SQS));
  let delivery = 0;
  return {
    units: (ids) => {
      delivery++;
      const events = [];
      for (let start = 0; start < ids.length; start += batchSize) {
        events.push({
          Records: ids.slice(start, start + batchSize).map((id) => ({
            messageId: `${id}-r${delivery}`,
            receiptHandle: 'rh',
            body: JSON.stringify({ messageId: id, body: '{"orderId":1}' }),
            attributes: { ApproximateReceiveCount: '1' },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
            awsRegion: 'us-east-1',
          })),
        });
      }
      return events;
    },
    run: async (event) => {
      const processor = idle.pop();
      try {
        const response = await processPartialResponse(event, idempotentRecord, processor, { context });
        if (response.batchItemFailures.length > 0) throw new Error(`${response.batchItemFailures.length} records failed`);
      } finally {
        idle.push(processor);
      }
    },
  };
}

async function timePhase(units, run, recordCount) {
  const executionsBefore = executions;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < units.length) {
      await run(units[next++]);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    records: recordCount,
    seconds,
    opsPerSec: recordCount / seconds,
    cpuMicrosPerRecord: (cpu.user + cpu.system) / recordCount,
    executions: executions - executionsBefore,
  };
}

// New records, then the same records again: the duplicates find them COMPLETED.
async function newThenDuplicate(side, prefix, count) {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const fresh = await timePhase(side.units(ids), side.run, count);
  const duplicate = await timePhase(side.units(ids), side.run, count);
  return { fresh, duplicate };
}

await createTableIfMissing();
const side = mode === 'batch' ? await batchSide() : storeSide();
const run = Math.random().toString(36).slice(2, 10);
const warm = warmup > 0 ? await newThenDuplicate(side, `${run}-warmup`, warmup) : null;
const peer = `powertools-ts-idempotency@2.35.0${mode === 'batch' ? ' + batch@2.35.0' : ''}`;
console.log(JSON.stringify({
  event: 'ready', peer, mode, records, concurrency, warmupRecords: warmup,
  warmupCalls: warmup * 3, warmupCorrect: warm === null || (warm.fresh.executions === warmup && warm.duplicate.executions === 0),
}));

let round = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'exit') break;
  if (command !== 'round') {
    console.log(JSON.stringify({ event: 'error', message: `unknown command ${command}` }));
    continue;
  }
  round++;
  const { fresh, duplicate } = await newThenDuplicate(side, `${run}-r${round}`, records);
  const correctness = fresh.executions === records && duplicate.executions === 0;
  console.log(JSON.stringify({ event: 'round', round, peer, correctness, fresh, duplicate }));
}
process.exit(0);
