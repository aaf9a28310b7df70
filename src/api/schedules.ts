/**
 * Schedules: pure `(epoch) => value` functions for learning rates and other parameters
 * (`tune.schedules`).
 * @module schedules
 */
export type { Schedule } from '../training/schedules/validate';
export { constant } from '../training/schedules/constant';
export { cosine } from '../training/schedules/cosine';
export type { CosineScheduleOptions } from '../training/schedules/cosine';
export { cyclic } from '../training/schedules/cyclic';
export type { CyclicMode, CyclicScheduleOptions } from '../training/schedules/cyclic';
export { exponential } from '../training/schedules/exponential';
export type { ExponentialScheduleOptions } from '../training/schedules/exponential';
export { step } from '../training/schedules/step';
export type { StepScheduleOptions } from '../training/schedules/step';
