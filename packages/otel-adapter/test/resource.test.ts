import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@trace/core';
import {
  type OtelResource,
  ResourceAttributeKeys,
  SDK_LANGUAGE,
  SDK_NAME,
  SDK_VERSION,
  createResource,
  createServiceResource,
  mergeResources,
} from '@trace/otel-adapter';

describe('createServiceResource', () => {
  it('sets the service and SDK attributes', () => {
    const resource = createServiceResource('payment-service', '2.1.0', 'payments');
    expect(resource.attributes).toEqual({
      'service.name': 'payment-service',
      'service.version': '2.1.0',
      'service.namespace': 'payments',
      'telemetry.sdk.name': 'trace',
      'telemetry.sdk.version': SDK_VERSION,
      'telemetry.sdk.language': 'nodejs',
    });
    expect(resource.droppedAttributesCount).toBe(0);
    expect(resource.schemaUrl).toBeUndefined();
    expect(Object.isFrozen(resource)).toBe(true);
    expect(Object.isFrozen(resource.attributes)).toBe(true);
  });

  it('leaves out the namespace when absent or empty, and the version when empty', () => {
    expect(createServiceResource('a', '1.0.0').attributes).not.toHaveProperty(ResourceAttributeKeys.SERVICE_NAMESPACE);
    expect(createServiceResource('a', '1.0.0', '').attributes).not.toHaveProperty('service.namespace');
    expect(createServiceResource('a', '').attributes).not.toHaveProperty('service.version');
  });

  it('throws ConfigError for a missing service name or non-string version', () => {
    expect(() => createServiceResource('', '1')).toThrow(ConfigError);
    expect(() => createServiceResource(undefined as unknown as string, '1')).toThrow(/service name/);
    expect(() => createServiceResource('svc', 2 as unknown as string)).toThrow(/version/);
    expect(() => createServiceResource('svc', '1', 3 as unknown as string)).toThrow(/namespace/);
  });

  it('reports the version in package.json and the documented SDK name and language', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(manifest.version);
    expect(SDK_NAME).toBe('trace');
    expect(SDK_LANGUAGE).toBe('nodejs');
  });
});

describe('createResource', () => {
  it('keeps typed values and counts invalid ones as dropped', () => {
    const resource = createResource({
      'host.name': 'web-1',
      'process.pid': 4242,
      'feature.on': true,
      'host.ips': ['10.0.0.1', '10.0.0.2'],
      bad: { nested: 1 },
      mixed: [1, 'two'],
      nothing: null,
      '': 'empty key',
    });
    expect(resource.attributes).toEqual({ 'host.name': 'web-1', 'process.pid': 4242, 'feature.on': true, 'host.ips': ['10.0.0.1', '10.0.0.2'] });
    expect(resource.droppedAttributesCount).toBe(4);
  });

  it('copies arrays so later changes to the input do not leak in', () => {
    const ips = ['10.0.0.1'];
    const resource = createResource({ ips });
    ips.push('10.0.0.9');
    expect(resource.attributes['ips']).toEqual(['10.0.0.1']);
  });

  it('keeps a schema URL when given', () => {
    expect(createResource({ a: 1 }, 'https://opentelemetry.io/schemas/1.26.0').schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(createResource({ a: 1 }, '').schemaUrl).toBeUndefined();
  });
});

describe('mergeResources', () => {
  const base = createServiceResource('checkout', '1.0.0');

  it('keeps attributes of both with the updating resource winning on conflict', () => {
    const merged = mergeResources(base, createResource({ 'service.version': '1.0.1', 'deployment.environment.name': 'prod' }));
    expect(merged.attributes['service.name']).toBe('checkout');
    expect(merged.attributes['service.version']).toBe('1.0.1');
    expect(merged.attributes['deployment.environment.name']).toBe('prod');
    expect(merged.attributes['telemetry.sdk.language']).toBe('nodejs');
    // Inputs are untouched.
    expect(base.attributes['service.version']).toBe('1.0.0');
  });

  it('adds dropped counts', () => {
    const merged = mergeResources(createResource({ bad: null }), createResource({ worse: {}, ok: 1 }));
    expect(merged.droppedAttributesCount).toBe(2);
  });

  it('follows the OTel schema URL rules', () => {
    const url1 = 'https://opentelemetry.io/schemas/1.24.0';
    const url2 = 'https://opentelemetry.io/schemas/1.26.0';
    const withUrl = (url?: string): OtelResource => createResource({ k: 'v' }, url);
    expect(mergeResources(withUrl(), withUrl()).schemaUrl).toBeUndefined();
    expect(mergeResources(withUrl(url1), withUrl()).schemaUrl).toBe(url1);
    expect(mergeResources(withUrl(), withUrl(url2)).schemaUrl).toBe(url2);
    expect(mergeResources(withUrl(url1), withUrl(url1)).schemaUrl).toBe(url1);
    // Conflict: a merging error in the spec; here the merged resource has no schema URL.
    expect(mergeResources(withUrl(url1), withUrl(url2)).schemaUrl).toBeUndefined();
  });
});
