// Tokenizes whole .signals files (the paths in the file named by argv[2])
// with the TextMate grammar, as VS Code does, and fails on any `invalid.*`
// scope: the grammar marks only what the compiler rejects (`==`, `;`, an
// unknown escape, an unmatched `}`), so a valid spec must have none.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
  createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scope) => scope === 'source.signals'
    ? vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'signals.tmLanguage.json'), 'utf8'), 'signals.tmLanguage.json')
    : null,
});

async function main() {
  const grammar = await registry.loadGrammar('source.signals');
  const files = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  let bad = 0;
  for (const file of files) {
    let state = vsctm.INITIAL;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, state);
      for (const t of r.tokens) {
        const invalid = t.scopes.find((s) => s.startsWith('invalid.'));
        if (invalid) {
          bad++;
          console.log(`${file}:${i + 1}:${t.startIndex + 1}: ${invalid}: ${JSON.stringify(line.slice(t.startIndex, t.endIndex))}`);
        }
      }
      state = r.ruleStack;
    });
    // Every block closed at the end of the file.
    if (state.depth !== 1) {
      bad++;
      console.log(`${file}: a block is still open at the end of the file (depth ${state.depth})`);
    }
  }
  console.log(`textmate: ${files.length} files tokenized, ${bad} invalid tokens`);
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
