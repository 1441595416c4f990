// Loads extension.js with stand-ins for the `vscode` module (which exists
// only inside VS Code) and vscode-languageclient, and checks what activate()
// asks for: `signalsc lsp` (or the configured path) over stdio, for the
// documents of the `signals` language, stopped on deactivate().
'use strict';

const assert = require('assert');
const Module = require('module');

const made = [];
let configured;
const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({
        get: (key) => (section === 'signals' && key === 'server.path' ? configured : undefined),
      }),
    },
  },
  'vscode-languageclient/node': {
    TransportKind: {stdio: 0, ipc: 1, pipe: 2, socket: 3},
    LanguageClient: class {
      constructor(id, name, server, client) {
        Object.assign(this, {id, name, server, client, started: false, stopped: false});
        made.push(this);
      }
      start() { this.started = true; return Promise.resolve(); }
      stop() { this.stopped = true; return Promise.resolve(); }
      dispose() {}
    },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(fakes, request) ? fakes[request] : load.call(this, request, ...rest);
};

async function main() {
  const ext = require('../extension.js');
  const ctx = {subscriptions: []};

  await ext.activate(ctx);
  let c = made[0];
  assert.strictEqual(c.id, 'signals');
  assert.deepStrictEqual(c.server.run, {command: 'signalsc', args: ['lsp'], transport: 0});
  assert.deepStrictEqual(c.server.debug, c.server.run);
  assert.deepStrictEqual(c.client.documentSelector, [{scheme: 'file', language: 'signals'}]);
  assert.ok(c.started, 'the client is started');
  assert.ok(ctx.subscriptions.includes(c), 'the client is disposed with the extension');
  await ext.deactivate();
  assert.ok(c.stopped, 'deactivate stops the client');

  configured = '/opt/signalsc/bin/signalsc';
  await ext.activate({subscriptions: []});
  c = made[1];
  assert.strictEqual(c.server.run.command, '/opt/signalsc/bin/signalsc');
  assert.deepStrictEqual(c.server.run.args, ['lsp']);

  // package.json: the language, its file extension and the grammar.
  const pkg = require('../package.json');
  assert.strictEqual(pkg.main, './extension.js');
  assert.deepStrictEqual(pkg.contributes.languages[0].extensions, ['.signals']);
  assert.strictEqual(pkg.contributes.grammars[0].scopeName, 'source.signals');
  console.log('extension: activate starts `signalsc lsp` over stdio; deactivate stops it');
}

main().catch((e) => { console.error(e); process.exit(1); });
