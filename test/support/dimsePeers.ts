/**
 * Misbehaving DIMSE peers for tests: raw TCP servers on 127.0.0.1 that break the DICOM upper layer
 * protocol in one way each. A real PACS does all of these at times (a wrong port, a firewall that resets,
 * a hung process, a buggy implementation).
 *   garbage   answers our A-ASSOCIATE-RQ with bytes that are no PDU at all (an HTTP error page);
 *   close     closes every connection as soon as it is accepted;
 *   silent    accepts the connection, reads, never answers;
 *   bad-pdata accepts the association properly, then answers the first request with a P-DATA-TF whose
 *             PDV claims more bytes than the PDU holds;
 *   stall     accepts the association properly, then never answers the request.
 */
import net from 'node:net';

export type PeerBehaviour = 'garbage' | 'close' | 'silent' | 'bad-pdata' | 'stall';

export interface BadPeer {
  port: number;
  /** How many TCP connections it has accepted. */
  connections(): number;
  /** How many of them are still open. */
  openConnections(): number;
  /** How many associations it has accepted ('bad-pdata' and 'stall'). */
  associations(): number;
  stop(): Promise<void>;
}

const GARBAGE = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'latin1');
const IMPLICIT_LITTLE = '1.2.840.10008.1.2';

function item(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** An A-ASSOCIATE-AC accepting every proposed presentation context with implicit VR little endian. */
export function associateAccept(rq: Buffer): Buffer {
  const called = rq.subarray(10, 26);
  const calling = rq.subarray(26, 42);
  const items: Buffer[] = [];
  let offset = 74;
  while (offset + 4 <= rq.length) {
    const type = rq.readUInt8(offset);
    const length = rq.readUInt16BE(offset + 2);
    if (type === 0x10) items.push(rq.subarray(offset, offset + 4 + length));
    if (type === 0x20) {
      const pcId = rq.readUInt8(offset + 4);
      items.push(item(0x21, Buffer.concat([Buffer.from([pcId, 0, 0, 0]), item(0x40, Buffer.from(IMPLICIT_LITTLE, 'latin1'))])));
    }
    offset += 4 + length;
  }
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(16384, 0);
  items.push(item(0x50, item(0x51, maxLength)));
  const body = Buffer.concat([Buffer.from([0, 1, 0, 0]), called, calling, Buffer.alloc(32), ...items]);
  const head = Buffer.alloc(6);
  head.writeUInt8(0x02, 0);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** A P-DATA-TF whose only PDV says it is 0x7fff bytes long while the PDU carries 8. */
function brokenPData(): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt32BE(0x7fff, 0); // PDV item length: a lie
  body.writeUInt8(1, 4); // presentation context ID
  body.writeUInt8(0x03, 5); // command, last fragment
  body.write('JUNK\0\0', 6, 'latin1');
  const head = Buffer.alloc(6);
  head.writeUInt8(0x04, 0);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}

export async function startBadPeer(behaviour: PeerBehaviour): Promise<BadPeer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let associations = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (behaviour === 'close') {
      socket.destroy();
      return;
    }
    // Reassemble PDUs (type, reserved, 32-bit length) from the TCP stream before reacting to them.
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      if (behaviour === 'garbage') {
        socket.end(GARBAGE);
        return;
      }
      if (behaviour === 'silent') return; // read and say nothing
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 6 && pending.length >= 6 + pending.readUInt32BE(2)) {
        const pdu = pending.subarray(0, 6 + pending.readUInt32BE(2));
        pending = pending.subarray(pdu.length);
        if (pdu.readUInt8(0) === 0x01) {
          socket.write(associateAccept(pdu));
          associations++;
        }
        else if (pdu.readUInt8(0) === 0x04 && behaviour === 'bad-pdata') socket.write(brokenPData());
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => accepted,
    openConnections: () => sockets.size,
    associations: () => associations,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
