// One idempotent invocation by Powertools for AWS Lambda (TypeScript), for the interop tests: makeIdempotent +
// DynamoDBPersistenceLayer with the Powertools defaults (md5, attribute names), on a table shared with our store.
//
// Usage:  node interop-peer.mjs '<payload JSON>'
// Env:    DDB_ENDPOINT, DDB_TABLE, AWS_LAMBDA_FUNCTION_NAME (the key prefix), KEY_PATH (eventKeyJmesPath),
//         VALIDATION_PATH (payloadValidationJmesPath, optional), HOLD_MS (the handler waits this long after
//         printing {"event":"started"}, so a test can race it; default 0).
// Prints one JSON line: {"event":"done","outcome":"executed"|"replayed"|"in-progress"|"error","executions":n,"result":...}.
import { makeIdempotent, IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

const payload = JSON.parse(process.argv[2]);
const holdMs = Number.parseInt(process.env.HOLD_MS ?? '0', 10);
const clientConfig = {
  endpoint: process.env.DDB_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testAccessKey', secretAccessKey: 'testSecretKey' },
  maxAttempts: 1,
};

let executions = 0;
async function handle(order) {
  executions++;
  console.log(JSON.stringify({ event: 'started' }));
  if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
  return { handledBy: 'powertools', orderId: order.order.id, total: order.amount };
}

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.DDB_TABLE, clientConfig });
const config = new IdempotencyConfig({
  eventKeyJmesPath: process.env.KEY_PATH,
  payloadValidationJmesPath: process.env.VALIDATION_PATH || undefined,
  expiresAfterSeconds: 3600,
});
// Outside Lambda there is no context: a stand-in gives the in-progress lease (in_progress_expiration) 30 s.
config.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 });
const idempotentHandle = makeIdempotent(handle, { persistenceStore, config });

try {
  const result = await idempotentHandle(payload);
  console.log(JSON.stringify({ event: 'done', outcome: executions > 0 ? 'executed' : 'replayed', executions, result }));
} catch (error) {
  const outcome = error?.name === 'IdempotencyAlreadyInProgressError' ? 'in-progress' : 'error';
  console.log(JSON.stringify({ event: 'done', outcome, executions, error: `${error?.name}: ${error?.message}` }));
}
