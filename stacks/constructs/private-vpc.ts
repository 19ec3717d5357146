/**
 * A VPC with only private subnets (one per Availability Zone, no public IPs, no internet or NAT
 * gateway), a default security group stripped of every rule, and flow logs of all traffic.
 */
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { logGroup, logStreamsArn, type LogGroupProps } from './log-group';
import { ServiceRole } from './service-role';

const AZ_COUNT = 2;
const ZONE_LETTERS = ['a', 'b', 'c'];

export interface PrivateVpcProps {
  cidr: string;
  region: string;
  /** `leakscan-<env>`: Name tags and the flow-log role are `<namePrefix>-<what>`. */
  namePrefix: string;
  flowLogs: LogGroupProps;
  /** Confused-deputy guard of the flow-log role: only this account's flow logs may assume it. */
  account: string;
  /** `arn:…:ec2:<region>:<account>:vpc-flow-log/*` */
  flowLogSourceArn: string;
}

export class PrivateVpc extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly routeTable: RouteTable;

  constructor(scope: Construct, id: string, props: PrivateVpcProps) {
    super(scope, id);
    const { cidr } = props;
    const name = (what: string) => `${props.namePrefix}-${what}`;
    // Interface endpoints answer on the services' public names only with DNS support and hostnames on.
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name('vpc') },
    });
    // A closed allowlist of zone names (no `state` filter): the list, and so each subnet's zone, never
    // shifts when AWS adds a zone or one is impaired. Some accounts lack `b` in a region, hence `c`.
    const zones = new DataAwsAvailabilityZones(this, 'zones', {
      filter: [{ name: 'zone-name', values: ZONE_LETTERS.map((letter) => `${props.region}${letter}`) }],
    });
    this.routeTable = new RouteTable(this, 'private-routes', { vpcId: this.vpc.id, tags: { Name: name('private') } });
    this.subnets = Array.from({ length: AZ_COUNT }, (_, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock: Fn.cidrsubnet(cidr, 4, i),
        availabilityZone: Fn.element(zones.names, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: name(`private-${i}`) },
      });
      new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: subnet.id, routeTableId: this.routeTable.id });
      return subnet;
    });
    // Adopting the default group with no rules removes AWS's allow-all rules from it.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, ingress: [], egress: [] });

    const flowLogs = logGroup(this, 'flow-log-group', props.flowLogs);
    const deliveryRole = new ServiceRole(this, 'flow-log-role', {
      name: name('vpc-flow-logs'),
      service: 'vpc-flow-logs.amazonaws.com',
      trustConditions: {
        StringEquals: { 'aws:SourceAccount': props.account },
        ArnLike: { 'aws:SourceArn': props.flowLogSourceArn },
      },
      statements: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [flowLogs.arn, logStreamsArn(flowLogs)],
        },
      ],
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogs.arn,
      iamRoleArn: deliveryRole.arn,
      maxAggregationInterval: 600,
    });
  }
}
