/** The ECS cluster scanner tasks run in: Fargate and Fargate Spot, Container Insights on. */
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { Construct } from 'constructs';

export interface ScannerClusterProps {
  name: string;
  /** The default capacity provider; RunTask may still ask for the other one. */
  capacityStrategy: 'FARGATE' | 'FARGATE_SPOT';
}

export class ScannerCluster extends Construct {
  readonly cluster: EcsCluster;

  constructor(scope: Construct, id: string, props: ScannerClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, 'cluster', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    // Both providers are associated so the trigger can fall back from Spot to on-demand per RunTask.
    new EcsClusterCapacityProviders(this, 'capacity', {
      clusterName: this.cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: props.capacityStrategy, weight: 1, base: 0 }],
    });
  }
}
