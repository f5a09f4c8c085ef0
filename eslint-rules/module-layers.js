// A local ESLint rule that keeps src/ layered: each top-level folder of src/ has a rank, and a file may import
// only from its own folder or from folders of a lower rank. A folder-level import cycle always contains an
// import from a lower rank to a higher one, so it fails too. The order is the README's "Layout".
import { dirname, relative, resolve, sep } from 'node:path';

// Lowest first. Within a layer the order is a rank as well (a feature may use a feature listed before it).
export const LAYERS = [
  { name: 'contract', folders: ['contract'] },
  {
    name: 'platform',
    folders: ['config', 'database', 'redis', 'common', 'events', 'realtime', 'metrics', 'rate-limit', 'http'],
  },
  { name: 'auth/users', folders: ['users', 'auth'] },
  { name: 'conversations', folders: ['conversations'] },
  { name: 'messages', folders: ['messages'] },
  {
    name: 'features',
    folders: [
      'presence',
      'attachments',
      'search',
      'webhooks',
      'push',
      'email',
      'assignment',
      'collision',
      'canned-responses',
      'ratings',
      'reports',
      'widget',
    ],
  },
  // Files directly in src/ (app.module.ts, app.ts, main.ts) belong here too.
  { name: 'edges', folders: ['health', 'web', 'gateway', '.'] },
];

const rankOf = new Map();
const layerOf = new Map();
for (const layer of LAYERS) {
  for (const folder of layer.folders) {
    rankOf.set(folder, rankOf.size);
    layerOf.set(folder, layer.name);
  }
}

// The src/ folder a path belongs to ('.' for files directly in src/), or undefined outside src/.
function folderOf(srcRoot, path) {
  const inside = relative(srcRoot, path);
  if (inside.startsWith('..') || inside === '') {
    return undefined;
  }
  const parts = inside.split(sep);
  return parts.length === 1 ? '.' : parts[0];
}

function describe(folder) {
  return folder === '.' ? 'src/' : `src/${folder}/`;
}

export const moduleLayersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Modules in src/ import only from their own folder or lower layers (README "Layout")' },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false }],
    messages: {
      wrongWay:
        '{{from}} ({{fromLayer}}) may not import {{to}} ({{toLayer}}): dependencies point down the layers. Publish a domain event or move the shared piece down instead.',
      unknownFolder:
        '{{folder}} has no place in the layer order: add it to LAYERS in eslint-rules/module-layers.js and to the README "Layout".',
    },
  },
  create(context) {
    const srcRoot = resolve(context.options[0]?.srcRoot ?? resolve(context.cwd, 'src'));
    const filename = resolve(context.filename);
    const from = folderOf(srcRoot, filename);
    if (from === undefined) {
      return {};
    }
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) {
        return;
      }
      const to = folderOf(srcRoot, resolve(dirname(filename), source));
      if (to === undefined || to === from) {
        return;
      }
      for (const folder of [from, to]) {
        if (!rankOf.has(folder)) {
          context.report({ node, messageId: 'unknownFolder', data: { folder: describe(folder) } });
          return;
        }
      }
      if (rankOf.get(to) > rankOf.get(from)) {
        context.report({
          node,
          messageId: 'wrongWay',
          data: { from: describe(from), fromLayer: layerOf.get(from), to: describe(to), toLayer: layerOf.get(to) },
        });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'module-layers': moduleLayersRule } };
