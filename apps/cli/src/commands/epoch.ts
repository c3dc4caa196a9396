import { previewEpoch } from '@taokit/chain'
import { epochBatchSync, epochSync, outputToJson } from '@taokit/yuma'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import { examples, prose } from '../help.js'
import type { Output } from '../io.js'
import {
  NETWORK_HELP,
  type NetworkOptions,
  networkOption,
  parseInteger,
  withChain,
} from './chain-options.js'
import { readEpochInputs } from './epoch-input.js'
import { parseBlock } from './metagraph.js'
import { addFormatOptions, chosenFormat, type OutputFormat } from './output-format.js'
import { renderEpochTable } from './table.js'

export function registerEpoch(program: Command, out: Output): void {
  addFormatOptions(
    program
      .command('epoch')
      .summary('run one Yuma Consensus epoch, bit-exact with subtensor')
      .description(
        prose(
          "Runs one call of subtensor's epoch (runtime spec 425, the sparse epoch_mechanism) on the",
          'subnet state in --input and prints what the chain would store: consensus, incentive,',
          "dividends, validator permits, the new bonds, and each uid's share of the emission.",
          '',
          'The input is the JSON format of shared/vectors/yuma/README.md: per-uid vectors, sparse',
          'weight and bond rows as [uid, u16] pairs, u64 amounts as decimal strings. A test-vector',
          'case ({"input": ..., "expected": ...}) works too. A list of cases gives a list of',
          'outputs, in order (computed in parallel); --case picks one.',
          '',
          'With --netuid instead of --input, it previews the next epoch of a live subnet: the',
          "inputs are read from the chain's state (--network, --block) and the output is what",
          'that epoch will write, before it runs.',
        ),
      )
      .option('-i, --input <file>', 'the EpochInput JSON, or - to read standard input')
      .option('--netuid <n>', "preview the next epoch of this subnet from the chain's state")
      .addOption(networkOption(`with --netuid: ${NETWORK_HELP}`))
      .option('--block <number|hash>', 'with --netuid: read the state at this block')
      .option('--timeout <ms>', 'with --netuid: deadline of each request to the node', '15000')
      .option('--case <index|name>', 'which case of a file that holds several')
      .option('--pretty', 'indent the JSON output'),
    'json',
  )
    .addHelpText(
      'after',
      `${examples(
        'taokit epoch --input subnet.json',
        'taokit epoch --input ../shared/vectors/yuma/subtensor_test_bonds.json --case 3 --pretty',
        'curl -s https://example.org/state.json | taokit epoch --input - --format table',
        'taokit epoch --netuid 1 --network local --format table',
      )}\n\nExit codes: 0 done, 2 bad input (the message names the field),\n3 node unreachable, 1 internal error.`,
    )
    .action(async (options: EpochOptions, command: Command) => {
      options.format = chosenFormat(command)
      if ((options.input === undefined) === (options.netuid === undefined)) {
        throw new UsageError('give either --input <file> or --netuid <n> (a live preview)', 'input')
      }
      if (options.netuid !== undefined) {
        if (options.case !== undefined) {
          throw new UsageError('--case: picks a case of an --input file; not with --netuid', 'case')
        }
        await preview(options, out)
        return
      }
      if (options.block !== undefined) {
        throw new UsageError('--block: reads the chain with --netuid; not with --input', 'block')
      }
      const { inputs, list } = readEpochInputs(options.input!, options.case)
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

interface EpochOptions extends NetworkOptions {
  input?: string
  netuid?: string
  block?: string
  case?: string
  format: OutputFormat
  pretty?: boolean
}

async function preview(options: EpochOptions, out: Output): Promise<void> {
  const netuid = parseInteger(options.netuid!, '--netuid', 65535)
  const block = parseBlock(options.block)
  const result = await withChain(options, (subtensor) =>
    previewEpoch(subtensor, netuid, block === undefined ? {} : { block }),
  )
  if (options.format === 'table') {
    out.stdout(
      `subnet ${netuid}: the epoch of block ${result.epochBlock}, from the state of block ${result.readAt.number}\n\n${renderEpochTable(result.input, result.output)}`,
    )
    return
  }
  const json = {
    netuid,
    epochBlock: result.epochBlock,
    readAt: result.readAt,
    output: outputToJson(result.output),
  }
  out.stdout(JSON.stringify(json, null, options.pretty ? 2 : undefined))
}
