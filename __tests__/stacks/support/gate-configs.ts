/**
 * The configurations every policy gate (checkov, tflint, parliament) synthesizes: the shipped dev
 * configuration (caller account, created VPC, no watched list) and one that turns on every alternative
 * (literal account, watched repositories, e-mails, existing VPC, external image, Spot, reserved concurrency,
 * findings to Security Hub and EventBridge with leakscan enabling Security Hub).
 */
import type { Config } from '../../../config/load';
import { loadConfig } from '../../../config/load';
import { ACCOUNT, testConfig } from '../synth';

export const GATE_CONFIGS: Record<string, () => Config> = {
  'config/dev.json': () => loadConfig('dev'),
  'watched repositories, e-mails, existing VPC, Spot, every findings opt-in': () =>
    testConfig({
      repositories: ['payments-service'],
      notifications: { findingsEmails: ['security@example.com'], opsEmails: ['oncall@example.com'] },
      network: {
        mode: 'existing',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      },
      scanner: {
        architecture: 'X86_64',
        capacityStrategy: 'FARGATE_SPOT',
        image: { repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/leakscan` },
      },
      trigger: { reservedConcurrency: 5 },
      findings: { securityHub: true, enableSecurityHub: true, events: true },
    }),
};
