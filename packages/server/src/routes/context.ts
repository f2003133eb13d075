import type { PluginHost } from '../host/plugins.js';
import type { PlaybookService } from '../playbooks/service.js';

/** What the control-plane route modules share beside `ServerDeps`. */
export interface RouteContext {
  plugins: PluginHost;
  playbooks: PlaybookService;
}
