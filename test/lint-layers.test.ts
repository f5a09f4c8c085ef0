import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

// The layer rule as npm run lint applies it: a wrong-way import or a folder cycle in src/ fails the lint.
const root = resolve(import.meta.dirname, '../..');
const RULE = 'layers/module-layers';

async function lintFiles(files: Record<string, string>): Promise<Map<string, Linter.LintMessage[]>> {
  const plugin = ((await import(pathToFileURL(join(root, 'eslint-rules/module-layers.js')).href)) as { default: ESLint.Plugin }).default;
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { layers: plugin },
        rules: { [RULE]: 'error' },
      },
    ],
  });
  const results = new Map<string, Linter.LintMessage[]>();
  for (const [path, code] of Object.entries(files)) {
    const [result] = await eslint.lintText(code, { filePath: join(root, path) });
    results.set(path, result?.messages ?? []);
  }
  return results;
}

async function messagesOf(path: string, code: string): Promise<string[]> {
  return ((await lintFiles({ [path]: code })).get(path) ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('module layer lint rule', () => {
  it('is switched on for src/ by the project config', async () => {
    const config = (await new ESLint({ cwd: root }).calculateConfigForFile('src/conversations/any.ts')) as Linter.Config;
    assert.deepEqual(config.rules?.[RULE], [2]);
  });

  it('rejects a wrong-way import: conversations importing messages', async () => {
    const found = await messagesOf(
      'src/conversations/deliberate.ts',
      "import { MessagesService } from '../messages/messages.service.js';\nexport const x = MessagesService;\n",
    );
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^layers\/module-layers: src\/conversations\/ \(conversations\) may not import src\/messages\/ \(messages\)/);
  });

  it('rejects a folder-level cycle between two features on the edge that points up', async () => {
    const results = await lintFiles({
      'src/push/uses-presence.ts':
        "import { PresenceService } from '../presence/presence.service.js';\nexport const a = PresenceService;\n",
      'src/presence/uses-push.ts': "import { PushService } from '../push/push.service.js';\nexport const b = PushService;\n",
    });
    assert.deepEqual(results.get('src/push/uses-presence.ts'), []);
    const cycleEdge = results.get('src/presence/uses-push.ts') ?? [];
    assert.equal(cycleEdge.length, 1);
    assert.match(cycleEdge[0]!.message, /src\/presence\/ \(features\) may not import src\/push\/ \(features\)/);
  });

  it('rejects platform code reaching into a domain module, also through export-from and import()', async () => {
    const found = await messagesOf(
      'src/realtime/deliberate.ts',
      "export { UsersService } from '../users/users.service.js';\nexport const later = () => import('../conversations/conversations.service.js');\n",
    );
    assert.equal(found.length, 2, found.join('\n'));
    assert.ok(found.every((line) => line.startsWith(`${RULE}: src/realtime/ (platform) may not import`)));
  });

  it('rejects a folder that has no place in the order', async () => {
    const found = await messagesOf('src/newthing/x.ts', "import { ErrorCode } from '../common/errors.js';\nexport const c = ErrorCode;\n");
    assert.equal(found.length, 1);
    assert.match(found[0]!, /src\/newthing\/ has no place in the layer order/);
  });

  it('accepts imports down the layers, inside a folder, and of packages', async () => {
    const found = await messagesOf(
      'src/messages/deliberate.ts',
      [
        "import { z } from 'zod';",
        "import { ConversationsService } from '../conversations/conversations.service.js';",
        "import { messageSchema } from '../contract/messages.js';",
        "import { MessagesRepository } from './messages.repository.js';",
        'export const all = [z, ConversationsService, messageSchema, MessagesRepository];',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  it('lets the edges (gateway, app files) import any layer', async () => {
    const found = await messagesOf(
      'src/gateway/deliberate.ts',
      "import { MessagesService } from '../messages/messages.service.js';\nexport const d = MessagesService;\n",
    );
    assert.deepEqual(found, []);
    const app = await messagesOf(
      'src/deliberate.ts',
      "import { PushModule } from './push/push.module.js';\nexport const e = PushModule;\n",
    );
    assert.deepEqual(app, []);
  });
});
