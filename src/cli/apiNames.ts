/**
 * Kafka's names of the request types, by api key (Apache Kafka's ApiKeys enum, up to 4.1), so
 * that `rxkafka metadata` can say which API each advertised version range is for.
 */
const NAMES = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata',
  'ControlledShutdown', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat',
  'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions',
  'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch',
  'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit',
  'DescribeAcls', 'CreateAcls', 'DeleteAcls', 'DescribeConfigs', 'AlterConfigs',
  'AlterReplicaLogDirs', 'DescribeLogDirs', 'SaslAuthenticate', 'CreatePartitions',
  'CreateDelegationToken', 'RenewDelegationToken', 'ExpireDelegationToken',
  'DescribeDelegationToken', 'DeleteGroups', 'ElectLeaders', 'IncrementalAlterConfigs',
  'AlterPartitionReassignments', 'ListPartitionReassignments', 'OffsetDelete',
  'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials',
  'AlterUserScramCredentials', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum',
  'AlterPartition', 'UpdateFeatures', 'Envelope', 'FetchSnapshot', 'DescribeCluster',
  'DescribeProducers', 'BrokerRegistration', 'BrokerHeartbeat', 'UnregisterBroker',
  'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds', 'ConsumerGroupHeartbeat',
  'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions', 'PushTelemetry',
  'AssignReplicasToDirs', 'ListConfigResources', 'DescribeTopicPartitions',
];

/** Kafka's name for `apiKey`, or null for a key newer than this table. */
export function apiName(apiKey: number): string | null {
  return NAMES[apiKey] ?? null;
}
