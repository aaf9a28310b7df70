/**
 * `tfjs-tune/testing`: the conformance suites the project runs on its own samplers, storages and
 * pruners (as Optuna ships `optuna.testing`), for a jest test file to run on yours:
 *
 * ```ts
 * import { describeSamplerContract } from 'tfjs-tune/testing';
 * describeSamplerContract('MySampler', (seed) => new MySampler({ seed }));
 * ```
 *
 * Needs jest (>= 29, a peer dependency): the suites declare their tests with `@jest/globals`.
 * @packageDocumentation
 * @module tfjs-tune/testing
 */
export { describeSamplerContract } from './sampler-contract';
export type { SamplerContractOptions, SamplerFactory } from './sampler-contract';
export { describeStorageContract } from './storage-contract';
export type { StorageFactory, StorageUnderTest } from './storage-contract';
export { describePrunerContract } from './pruner-contract';
export type { PrunerContractOptions, PrunerFactory } from './pruner-contract';
export { describeSchedulerContract } from './scheduler-contract';
export type { SchedulerContractOptions, SchedulerFactory } from './scheduler-contract';
export { startThrowawayPostgres } from './postgres-server';
export type { ThrowawayPostgres, ThrowawayPostgresOptions } from './postgres-server';
