/**
 * The one place stacks are created and wired: values cross stacks as references (cdktf turns them into
 * outputs and remote-state reads). main.ts and the tests both call buildApp.
 */
import type { App } from 'cdktf';
import type { Config } from '../config/load';
import { bundleLambda } from '../scripts/bundle';
import { BootstrapStack } from './bootstrap';
import { NetworkStack } from './network';
import { NotificationsStack } from './notifications';
import { PlatformStack } from './platform';
import { TriggerStack } from './trigger';

export interface LeakscanStacks {
  bootstrap: BootstrapStack;
  network: NetworkStack;
  notifications: NotificationsStack;
  platform: PlatformStack;
  trigger: TriggerStack;
}

export interface BuildOptions {
  /** A directory with the bundled handler; default: bundle lambda/handler.ts now. */
  lambdaBundleDir?: string;
}

/** Deploy order follows the dependencies: bootstrap, network, notifications, platform, trigger. */
export function buildApp(app: App, config: Config, options: BuildOptions = {}): LeakscanStacks {
  const bootstrap = new BootstrapStack(app, config);
  const network = new NetworkStack(app, config);
  const notifications = new NotificationsStack(app, config);
  const platform = new PlatformStack(app, config, {
    findingsTopicArn: notifications.findings.arn,
    findingsKeyArn: notifications.key.arn,
  });
  const { scanner, cluster } = platform;
  const trigger = new TriggerStack(app, config, {
    subnetIds: network.subnetIds,
    securityGroupId: network.securityGroupId,
    clusterArn: cluster.cluster.arn,
    clusterName: platform.clusterName,
    family: platform.family,
    taskRoleArn: scanner.taskRole.arn,
    executionRoleArn: scanner.executionRole.arn,
    findingsTopicArn: notifications.findings.arn,
    opsTopicArn: notifications.ops.arn,
    ...(platform.findingsTable && {
      findingsTable: {
        arn: platform.findingsTable.arn,
        name: platform.findingsTable.table.name,
        keyArn: platform.findingsTable.kmsKeyArn,
      },
    }),
    lambdaBundleDir: options.lambdaBundleDir ?? bundleLambda(),
  });
  // Every stack keeps its state in the bucket the bootstrap stack creates.
  for (const stack of [network, notifications, platform, trigger]) stack.addDependency(bootstrap);
  return { bootstrap, network, notifications, platform, trigger };
}
