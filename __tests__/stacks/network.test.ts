import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { resources, synthesize, testConfig } from './synth';

describe('network stack, created VPC', () => {
  const { tf, json } = synthesize(testConfig({ network: { mode: 'create', cidr: '10.77.0.0/16' } }));
  const stack = json.network;

  it('has private subnets in two different zones that never assign public IPs', () => {
    const subnets = resources(stack, 'aws_subnet');
    expect(subnets).toHaveLength(2);
    expect(subnets.map((s) => s.map_public_ip_on_launch)).toEqual([false, false]);
    expect(subnets.map((s) => s.availability_zone)).toEqual([
      expect.stringMatching(/element\(data\.aws_availability_zones\..+\.names, 0\)/),
      expect.stringMatching(/element\(data\.aws_availability_zones\..+\.names, 1\)/),
    ]);
    expect(tf.network).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
      filter: [{ name: 'zone-name', values: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] }],
    });
    expect(tf.network).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.77.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  it('has no way to the internet: no internet or NAT gateway, no route besides the S3 gateway', () => {
    expect(resources(stack, 'aws_internet_gateway')).toEqual([]);
    expect(resources(stack, 'aws_nat_gateway')).toEqual([]);
    expect(resources(stack, 'aws_route')).toEqual([]);
  });

  it('strips every rule from the default security group', () => {
    expect(tf.network).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
  });

  it('logs all traffic to a log group with retention', () => {
    expect(tf.network).toHaveResourceWithProperties(FlowLog, {
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(resources(stack, 'aws_cloudwatch_log_group')).toEqual([expect.objectContaining({ retention_in_days: 365 })]);
  });

  it('reaches every AWS API the scanner needs through endpoints in both subnets', () => {
    for (const service of ['ecr.api', 'ecr.dkr', 'logs', 'sns', 'sts', 'codecommit', 'git-codecommit']) {
      expect(tf.network).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: `com.amazonaws.eu-west-1.${service}`,
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: [
          expect.stringMatching(/aws_subnet\.vpc_private-0/),
          expect.stringMatching(/aws_subnet\.vpc_private-1/),
        ],
      });
    }
    for (const gateway of ['s3', 'dynamodb']) {
      expect(tf.network).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: `com.amazonaws.eu-west-1.${gateway}`,
        vpc_endpoint_type: 'Gateway',
        route_table_ids: [expect.stringMatching(/aws_route_table\./)],
      });
    }
  });

  it('adds no paid endpoint for the findings opt-ins that are off (Security Hub, events)', () => {
    const services = resources(stack, 'aws_vpc_endpoint').map((e) => e.service_name);
    expect(services).not.toContain('com.amazonaws.eu-west-1.securityhub');
    expect(services).not.toContain('com.amazonaws.eu-west-1.events');
  });

  it('lets scanner tasks out on HTTPS only, to the endpoints, S3 and DynamoDB, and in on nothing', () => {
    const egress = resources(stack, 'aws_vpc_security_group_egress_rule');
    const rules = egress.map((r) => [r.from_port, r.to_port, r.ip_protocol, r.cidr_ipv4 ?? r.prefix_list_id]);
    expect(rules).toHaveLength(3);
    expect(rules).toEqual(
      expect.arrayContaining([
        [443, 443, 'tcp', '10.77.0.0/16'],
        [443, 443, 'tcp', expect.stringMatching(/aws_vpc_endpoint\.endpoints_s3_.+\.prefix_list_id/)],
        [443, 443, 'tcp', expect.stringMatching(/aws_vpc_endpoint\.endpoints_dynamodb_.+\.prefix_list_id/)],
      ]),
    );
    const ingress = resources(stack, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 443,
        cidr_ipv4: '10.77.0.0/16',
        security_group_id: expect.stringMatching(/endpoints_sg/),
      }),
    ]);
  });
});

describe('network stack, existing VPC', () => {
  const network = {
    mode: 'existing' as const,
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
  };
  const { json, stacks } = synthesize(testConfig({ network }));

  it('creates no VPC, only the scanner security group in the adopted VPC', () => {
    expect(Object.keys(json.network.resource ?? {}).sort()).toEqual([
      'aws_security_group',
      'aws_vpc_security_group_egress_rule',
    ]);
    expect(resources(json.network, 'aws_security_group')).toEqual([expect.objectContaining({ vpc_id: network.vpcId })]);
  });

  it('hands the configured subnets to the trigger', () => {
    expect(stacks.network.subnetIds).toEqual(network.subnetIds);
    const fn = resources(json.trigger, 'aws_lambda_function')[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.LEAKSCAN_SUBNET_IDS).toBe(network.subnetIds.join(','));
  });
});
