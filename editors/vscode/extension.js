// The VS Code extension of the .signals language: the grammar and the
// language configuration are declared in package.json; this file starts the
// language server, `signalsc lsp`, over stdio.
'use strict';

const vscode = require('vscode');
const {LanguageClient, TransportKind} = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('signals').get('server.path') || 'signalsc';
  const run = {command, args: ['lsp'], transport: TransportKind.stdio};
  client = new LanguageClient(
    'signals',
    'signalsc language server',
    {run, debug: run},
    {documentSelector: [{scheme: 'file', language: 'signals'}]},
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = {activate, deactivate};
