/** The controller election znodes: `/controller` (ephemeral) and `/controller_epoch` (kafka/zk/ZkData.scala). */
import { InvalidZNodeDataError, encodeJson, parseObject, int, optInt } from './znode-json.js';

/** `/controller` (ephemeral): version 2 with kraftControllerEpoch -1 (ZK controller). */
export const ControllerZNode = {
  path: '/controller',
  encode(brokerId: number, timestamp: number = Date.now()): Buffer {
    return encodeJson({ version: 2, brokerid: brokerId, timestamp: String(timestamp), kraftControllerEpoch: -1 });
  },
  /** The controller's broker id and its KRaft epoch (-1 for a ZK controller). */
  decode(bytes: Buffer | null): { brokerId: number; kraftControllerEpoch: number } {
    const o = parseObject(this.path, bytes);
    return { brokerId: int(this.path, o, 'brokerid'), kraftControllerEpoch: optInt(this.path, o, 'kraftControllerEpoch', -1) };
  },
};

/** `/controller_epoch`: the epoch as plain decimal text. */
export const ControllerEpochZNode = {
  path: '/controller_epoch',
  encode(epoch: number): Buffer {
    return Buffer.from(String(epoch), 'utf8');
  },
  decode(bytes: Buffer | null): number {
    const s = bytes === null ? '' : bytes.toString('utf8').trim();
    if (!/^-?\d{1,10}$/.test(s)) throw new InvalidZNodeDataError(this.path, 'not a decimal epoch');
    return Number(s);
  },
};
