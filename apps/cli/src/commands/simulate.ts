import { type EpochInput, type EpochOutput, outputToJson, simulateSync } from '@taokit/yuma'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import { examples, prose } from '../help.js'
import type { Output } from '../io.js'
import { readEpochInput } from './epoch-input.js'
import { exampleScenario } from './example-subnet.js'
import { addFormatOptions, chosenFormat } from './output-format.js'
import { alpha, percent, renderEpochTable, renderTable } from './table.js'

export function registerSimulate(program: Command, out: Output): void {
  addFormatOptions(
    program
      .command('simulate')
      .summary('run consecutive epochs to see how bonds, dividends and emission evolve')
      .description(
        prose(
          'Runs --steps epochs of one subnet. Each epoch after the first runs one tempo later on',
          'the validator permits and bonds the previous epoch wrote, while validators keep their',
          'weights fresh. Use it for what-if studies: change weights or stake in the input and',
          'compare. --example runs a made-up 12-uid subnet (3 validators, 9 miners) in which two',
          'validators find a new, better miner two epochs before the third.',
        ),
      )
      .option(
        '-i, --input <file>',
        'the EpochInput JSON of the first epoch, or - for standard input',
      )
      .option('--case <index|name>', 'which case of a file that holds several')
      .option('--example', 'use the built-in example subnet instead of --input')
      .option('-n, --steps <count>', 'how many epochs to run', '5'),
    'table',
  )
    .addHelpText(
      'after',
      examples(
        'taokit simulate --example --steps 5',
        'taokit simulate --input subnet.json --steps 20 --json > run.json',
      ),
    )
    .action(
      (
        options: {
          input?: string
          case?: string
          example?: boolean
          steps: string
        },
        command: Command,
      ) => {
        const format = chosenFormat(command)
        if ((options.example === true) === (options.input !== undefined)) {
          throw new UsageError('give exactly one of --input <file> and --example', 'input')
        }
        if (
          !/^\d+$/.test(options.steps) ||
          Number(options.steps) < 1 ||
          Number(options.steps) > 10_000
        ) {
          throw new UsageError(
            `--steps: expected a whole number from 1 to 10000, got ${options.steps}`,
            'steps',
          )
        }
        const steps = Number(options.steps)
        const example = options.example ? exampleScenario() : undefined
        const input = example?.input ?? readEpochInput(options.input!, options.case)
        const changes = Array.from({ length: steps }, (_, i) => example?.changes[i] ?? {})
        const outputs = simulateSync(input, changes)
        if (format === 'json') {
          out.stdout(JSON.stringify(outputs.map(outputToJson)))
          return
        }
        out.stdout(renderSimulation(input, outputs))
      },
    )
}

function renderSimulation(input: EpochInput, outputs: EpochOutput[]): string {
  const tempo = BigInt(input.hyperparams.tempo || 1)
  const firstBlock = BigInt(input.block)
  const parts = outputs.map((output, step) =>
    [
      `Epoch ${step + 1} of ${outputs.length} · block ${firstBlock + BigInt(step) * tempo} · ${alpha(BigInt(input.rao_emission))} α to share`,
      renderEpochTable(input, output),
    ].join('\n'),
  )
  const totals = Array.from({ length: input.n }, (_, uid) =>
    outputs.reduce((sum, o) => sum + o.emission[uid]!, 0n),
  )
  const last = outputs[outputs.length - 1]!
  const first = outputs[0]!
  const summary = renderTable(
    [
      'uid',
      'role',
      'dividends first→last',
      'incentive first→last',
      `earned α in ${outputs.length} epochs`,
    ],
    totals.map((total, uid) => [
      String(uid),
      last.validator_permit[uid] ? 'validator' : 'miner',
      `${percent(first.dividends[uid]!)} → ${percent(last.dividends[uid]!)}`,
      `${percent(first.incentive[uid]!)} → ${percent(last.incentive[uid]!)}`,
      alpha(total),
    ]),
  )
  return [
    ...parts,
    [
      'Summary',
      summary,
      '',
      'Miners earn incentive from the stake-weighted consensus of validator weights (weight above',
      'consensus is clipped). Validators earn dividends through bonds, which grow each epoch',
      'toward the miners they weight: a validator that backs a good miner early earns more.',
    ].join('\n'),
  ].join('\n\n')
}
