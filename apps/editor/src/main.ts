import './i18n/index.js';
import './shell/app.js';
import './editor/playbook-editor.js';
