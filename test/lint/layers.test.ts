// The import layering of eslint.config.js, checked with ESLint's Node API on snippets placed in each
// folder: every wrong import is reported by a layer rule, and the imports each layer may use are not.
// (`npm run lint` checks the real tree against the same config.)
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers';

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO_ROOT });
});

/** The layer rule messages for `code` as if it were the file `filePath`. */
async function layerMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  if (result!.messages.some((m) => m.fatal)) throw new Error(`cannot parse the snippet: ${result!.messages[0]!.message}`);
  return result!.messages.filter((m) => m.ruleId && LAYER_RULES.has(m.ruleId)).map((m) => m.message);
}

const WRONG: Array<[file: string, code: string, says: RegExp]> = [
  // preload imports nothing from main/ or renderer/, and no Node modules (only index.ts has electron)
  ['preload/contract.ts', "import type { Engine } from '../main/core/engine';\nexport type E = Engine;", /main\/ is the engine side/],
  ['preload/deeper/x.ts', "export { aggregate } from '../../main/core/x';", /main\/ is the engine side/],
  ['preload/model.ts', "export * from '../renderer/store/store';", /renderer\/ is the UI/],
  ['preload/tree.ts', "import fs from 'node:fs';\nexport const f = fs;", /no Node modules/],
  ['preload/tree.ts', "import path from 'path';\nexport const p = path;", /no Node modules/],
  ['preload/wire.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", /only preload\/index.ts .* uses electron/],
  ['preload/index.ts', "import os from 'node:os';\nexport const o = os;", /no Node modules/],
  ['preload/tree.test.ts', "import { Engine } from '../main/core/engine';\nexport const e = Engine;", /main\/ is the engine side/],
  // renderer imports preload only
  ['renderer/components/X.tsx', "import { Engine } from '../../main/core/engine';\nexport const e = Engine;", /main\/ is the engine side/],
  ['renderer/store/x.ts', "export async function f() {\n  return import('../../main/cli/client');\n}", /main\/ is the engine side/],
  ['renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", /window\.maestro/],
  // main/core: never electron, never the outer layers or the renderer
  ['main/core/x.ts', "import { app } from 'electron';\nexport const a = app;", /main\/core runs under plain Node/],
  ['main/core/api/x.ts', "export async function f() {\n  return import('electron');\n}", /main\/core runs under plain Node/],
  ['main/core/x.ts', "import { call } from '../cli/client';\nexport const c = call;", /never imports them/],
  ['main/core/api/x.ts', "import { startUiServer } from '../../server/server';\nexport const s = startUiServer;", /never imports them/],
  ['main/core/x.ts', "import '../electron/main';", /never imports them/],
  ['main/core/api/x.ts', "import '../../../renderer/store/store';", /renderer\/ is the UI/],
  // main/core/sessions never imports main/core/engine (and is still core)
  ['main/core/sessions/spawn.ts', "import type { Engine } from '../engine';\nexport type E = Engine;", /sessions call back into the engine/],
  ['main/core/sessions/spawn.ts', "import { journal } from '../engine/journal';\nexport const j = journal;", /sessions call back into the engine/],
  ['main/core/sessions/launch/x.ts', "import { facade } from '../../engine/facade';\nexport const f = facade;", /sessions call back into the engine/],
  ['main/core/sessions/spawn.ts', "import { app } from 'electron';\nexport const a = app;", /main\/core runs under plain Node/],
  // the outer layers never import the renderer; the CLI and the server run under plain Node
  ['main/cli/x.ts', "import { app } from 'electron';\nexport const a = app;", /plain Node/],
  ['main/server/x.ts', "import { app } from 'electron';\nexport const a = app;", /plain Node/],
  ['main/cli/x.ts', "import { WsApi } from '../../renderer/api/ws-client';\nexport const w = WsApi;", /renderer\/ is the UI/],
  ['main/electron/x.ts', "import { useApp } from '../../renderer/services';\nexport const u = useApp;", /renderer\/ is the UI/],
];

const RIGHT: Array<[file: string, code: string]> = [
  ['preload/contract.ts', "import { z } from 'zod';\nimport type { Task } from './model';\nexport const s = z.string();\nexport type T = Task;"],
  ['preload/index.ts', "import { contextBridge } from 'electron';\nimport { IPC_CALL } from './wire';\nexport const c = [contextBridge, IPC_CALL];"],
  ['preload/tree.test.ts', "import fs from 'node:fs';\nimport { aggregateTree } from './tree';\nexport const x = [fs, aggregateTree];"],
  ['renderer/components/X.tsx', "import type { TaskView } from '../../preload/model';\nimport { AGENT_PROFILE_LIST } from '../../preload/profiles';\nimport '../main';\nexport type T = TaskView;\nexport const l = AGENT_PROFILE_LIST;"],
  ['main/core/x.ts', "import fs from 'node:fs';\nimport { aggregateTree } from '../../preload/tree';\nimport { resolveDataDir } from './paths';\nexport const x = [fs, aggregateTree, resolveDataDir];"],
  ['main/core/engine/x.ts', "import { spawn } from '../sessions/spawn';\nexport const s = spawn;"],
  ['main/core/sessions/spawn.ts', "import type { SessionHost } from './host';\nimport { shellQuote } from '../agents';\nexport type H = SessionHost;\nexport const q = shellQuote;"],
  ['main/cli/x.ts', "import { Engine } from '../core/engine';\nimport { startUiServer } from '../server/server';\nimport { DEFAULT_MODEL } from '../../preload/profiles';\nexport const x = [Engine, startUiServer, DEFAULT_MODEL];"],
  ['main/electron/x.ts', "import { app } from 'electron';\nimport { startInstance } from '../core/instance';\nexport const x = [app, startInstance];"],
];

describe('the import layers (eslint.config.js)', () => {
  it.each(WRONG)('%s: refuses %j', async (file, code, says) => {
    const messages = await layerMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(says);
  });

  it.each(RIGHT)('%s: allows %j', async (file, code) => {
    expect(await layerMessages(file, code)).toEqual([]);
  });
});
