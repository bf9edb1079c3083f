export * from './errors.ts';
export * from './parse-result.ts';
export * from './topics.ts';
export * from './time.ts';
export * from './time-range.ts';
export * from './commands.ts';
export * from './telemetry.ts';
export * from './naming.ts';
