import { checkBridgeWithApiVersion } from './support/api-version-check';

jest.mock('@opentelemetry/api', () => jest.requireActual('otel-api-newest'));

it('registers and records through @opentelemetry/api 1.10.0, the newest', () => checkBridgeWithApiVersion('1.10.0'));
