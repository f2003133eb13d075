export {
  type Command,
  type CommandContext,
  type CommandSpec,
  defineCommand,
  EXIT,
  jsonOption,
  langOption,
  type OptionSpec,
  type OptionSpecs,
  type OptionValues,
  UsageError,
} from './command.js';
export { commands } from './commands/index.js';
export { createValidateCommand, type Validator } from './commands/validate.js';
export { isLang, type Lang, messages } from './i18n.js';
export { type CliIO, memoryIO, processIO, type Writer } from './io.js';
export { type CodeFrameOptions, codeFrame, layoutFrame, renderDiagnostic } from './output/code-frame.js';
export { type Colors, colorsFor, createColors, shouldUseColor, stripAnsi } from './output/colors.js';
export { toJson, writeJson } from './output/json.js';
export { fmtDuration, ProgressBar, type ProgressOptions } from './output/progress.js';
export { commandHelp, mainHelp, run, version } from './run.js';
export { discoverPlaybooks, looksLikePlaybook, startsWithKithKey } from './validate/discover.js';
export {
  buildReport,
  displayPath,
  type JsonReport,
  type Report,
  renderReport,
  summaryLine,
  toJsonReport,
} from './validate/report.js';
