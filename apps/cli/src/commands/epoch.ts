import { epochBatchSync, epochSync, outputToJson } from '@taokit/yuma'
import { type Command, Option } from 'commander'
import type { Output } from '../io.js'
import { readEpochInputs } from './epoch-input.js'
import { renderEpochTable } from './table.js'

export function registerEpoch(program: Command, out: Output): void {
  program
    .command('epoch')
    .summary('run one Yuma Consensus epoch, bit-exact with subtensor')
    .description(
      [
        "Runs one call of subtensor's epoch (runtime spec 425, the sparse epoch_mechanism) on the",
        'subnet state in --input and prints what the chain would store: consensus, incentive,',
        "dividends, validator permits, the new bonds, and each uid's share of the emission.",
        '',
        'The input is the JSON format of shared/vectors/yuma/README.md: per-uid vectors, sparse',
        'weight and bond rows as [uid, u16] pairs, u64 amounts as decimal strings. A test-vector',
        'case ({"input": ..., "expected": ...}) works too. A list of cases gives a list of',
        'outputs, in order (computed in parallel); --case picks one.',
      ].join('\n'),
    )
    .requiredOption('-i, --input <file>', 'the EpochInput JSON, or - to read standard input')
    .option('--case <index|name>', 'which case of a file that holds several')
    .addOption(
      new Option('-f, --format <format>', 'json (default, one line) or table')
        .choices(['json', 'table'])
        .default('json'),
    )
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ taokit epoch --input subnet.json',
        '  $ taokit epoch --input ../shared/vectors/yuma/subtensor_test_bonds.json --case 3 --pretty',
        '  $ curl -s https://example.org/state.json | taokit epoch --input - --format table',
        '',
        'Exit codes: 0 done, 2 bad input (the message names the field), 1 internal error.',
      ].join('\n'),
    )
    .action((options: { input: string; case?: string; format: string; pretty?: boolean }) => {
      const { inputs, list } = readEpochInputs(options.input, options.case)
      const outputs = list ? epochBatchSync(inputs) : inputs.map((input) => epochSync(input))
      if (options.format === 'table') {
        const tables = inputs.map((input, i) => renderEpochTable(input, outputs[i]!))
        out.stdout(list ? tables.map((t, i) => `case ${i}\n${t}`).join('\n\n') : tables[0]!)
        return
      }
      const json = outputs.map(outputToJson)
      out.stdout(JSON.stringify(list ? json : json[0], null, options.pretty ? 2 : undefined))
    })
}
