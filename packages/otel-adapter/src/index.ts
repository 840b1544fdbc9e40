export type { OtelResource } from './resource.js';
