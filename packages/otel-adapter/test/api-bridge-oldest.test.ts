import { checkBridgeWithApiVersion } from './support/api-version-check';

jest.mock('@opentelemetry/api', () => jest.requireActual('otel-api-oldest'));

it('registers and records through @opentelemetry/api 1.3.0, the oldest supported', () => checkBridgeWithApiVersion('1.3.0'));
