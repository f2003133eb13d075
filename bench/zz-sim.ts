import { readFileSync } from 'node:fs';
import { validatePlaybookText } from '@kith/playbook';
import { resolveSettings, simulate } from '@kith/engine';
const file = process.argv[4] ?? 'playbooks/mother-baby/playbook.yaml';
const r = validatePlaybookText(readFileSync(file, 'utf8'), file);
if (!r.playbook) { console.log(r.diagnostics.filter(d=>d.severity==='error')); process.exit(1); }
const settings = resolveSettings(undefined, { members: Number(process.argv[2] ?? 1000), days: Number(process.argv[3] ?? 30), seed: 1 }, r.playbook);
const t0 = performance.now();
const res = await simulate(r.playbook, { settings, params: r.params });
const ms = performance.now() - t0;
const json = JSON.stringify(res.report, null, 2);
if (process.env.OUT) (await import('node:fs')).writeFileSync(process.env.OUT, json);
console.log(`members ${res.members} steps ${res.memberSteps} in ${ms.toFixed(0)} ms → ${Math.round(res.memberSteps/ms*1000)} steps/s; rss ${Math.round(process.memoryUsage().rss/1e6)} MB; heap ${Math.round(process.memoryUsage().heapUsed/1e6)} MB`);
console.log(JSON.stringify({ activity: res.report.activity, stages: res.report.funnel.stages, revenue: res.report.revenue, commissions: res.report.commissions, effects: res.report.effects, violations: res.report.violations }, null, 1));
