import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tracer } from '@trace/core';

it('names @trace/core and its package version as the default instrumentation scope', () => {
  const { version } = JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string };
  const span = new Tracer().startSpan('op');
  expect(span.instrumentationScope).toEqual({ name: '@trace/core', version });
  span.end();
});
