/** Simulation: a playbook on a synthetic community, in virtual time, through the real Runtime. */
export {
  BUILTIN_LIMITS,
  type ChannelLimit,
  channelLimits,
  type LimitCatalogue,
  type ProviderLimit,
  pluginName,
} from './limits.js';
export type { ChannelUsage, LimitMoment, QuietMoment } from './meter.js';
export { Random } from './random.js';
export type { Activity, SimulationReport } from './report.js';
export {
  type Behaviour,
  DEFAULT_BEHAVIOUR,
  resolveSettings,
  type SimulationOverrides,
  type SimulationSettings,
} from './settings.js';
export {
  type SimulateOptions,
  type SimulationProgress,
  type SimulationResult,
  simulate,
} from './simulate.js';
