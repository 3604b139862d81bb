#!/usr/bin/env node
// Reference server for the socket benchmarks: a plain socket.io v4 server speaking FairCast's
// /live contract (same events, acks and payload shapes), with all state in memory. It is the
// yardstick FairCast's own server is measured against in the same run, so it does only what
// the contract requires and nothing clever.
//
// Usage: node bench/node/server.js [--port P] [--host-token T]
//   (or PORT / HOST_TOKEN in the environment); prints "listening <port>" once ready.
'use strict';

const http = require('node:http');
const { parseArgs } = require('node:util');
const { Server } = require('socket.io');

const NAMESPACE = '/live';
const BIND_HOST = '127.0.0.1';
const COUNTS_INTERVAL_MS = 250; // counts are coalesced: at most four updates a second per room
const MOBILE_RE = /^1[3-9]\d{9}$/;

const EV = {
  JOIN: 'join',
  LEAVE: 'leave',
  PUSH_CARD: 'push_card',
  UNPIN_CARD: 'unpin_card',
  SIGN_UP: 'sign_up',
  IDENTIFY: 'identify',
  STATE: 'state',
  CARD: 'card',
  CARD_UNPINNED: 'card_unpinned',
  COUNTS: 'counts',
};

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT || '0' },
    'host-token': { type: 'string', default: process.env.HOST_TOKEN || '' },
  },
});

const rooms = new Map(); // room_id -> room
const signups = new Set(); // "person\u0000job_id": one per person and job
let nextCardId = 1;

function getRoom(roomId) {
  let room = rooms.get(roomId);
  if (!room) {
    room = {
      room_id: roomId,
      status: 'live',
      hls_url: null,
      cards: [], // newest first
      pinned: null,
      counts: new Map(), // job_id -> n
      viewers: new Set(), // socket ids
      dirty: false,
    };
    rooms.set(roomId, room);
  }
  return room;
}

function roomState(room) {
  return {
    room_id: room.room_id,
    status: room.status,
    hls_url: room.hls_url,
    viewers: room.viewers.size,
    pinned: room.pinned,
    cards: room.cards,
    counts: Object.fromEntries(room.counts),
  };
}

// A job as FairCast snapshots it into a card: pay, hours, place and headcount.
function jobSnapshot(jobId) {
  const n = [...String(jobId)].reduce((acc, ch) => (acc * 31 + ch.charCodeAt(0)) >>> 0, 7);
  return {
    id: String(jobId),
    employer_id: `e${(n % 2) + 1}`,
    employer_name: n % 2 ? '深圳市南山物流有限公司' : '广州白云家政服务有限公司',
    title: ['仓库分拣员', '快递装卸工', '家政保洁员', '餐厅服务员', '电子厂普工'][n % 5],
    category: ['logistics', 'logistics', 'domestic', 'catering', 'manufacturing'][n % 5],
    pay_min: 22 + (n % 8),
    pay_max: 30 + (n % 8),
    pay_unit: 'hour',
    district: ['南山区', '宝安区', '白云区', '天河区'][n % 4],
    headcount: 5 + (n % 40),
    work_type: 'gig',
    shift: '08:00-17:00，做六休一',
    benefits: ['meals', 'daily_pay', 'uniform'],
    requirements: '18-50周岁，身体健康，能吃苦耐劳',
    contact: '13800138000',
    updated_at: new Date().toISOString(),
  };
}

function fail(ack, code, message, fields) {
  if (typeof ack === 'function') ack({ ok: false, error: { code, message, fields: fields || {} } });
}

function markDirty(room) {
  room.dirty = true;
}

const httpServer = http.createServer((req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"not found","fields":{}}}');
});

const io = new Server(httpServer, {
  transports: ['websocket', 'polling'],
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});

const live = io.of(NAMESPACE);

live.on('connection', (socket) => {
  const auth = socket.handshake.auth || {};
  socket.data.token = typeof auth.token === 'string' ? auth.token : null;
  socket.data.person = socket.data.token ? `token:${socket.data.token}` : null;
  socket.data.rooms = new Set();

  socket.on(EV.IDENTIFY, (data, ack) => {
    const name = data && typeof data.name === 'string' ? data.name.trim() : '';
    const mobile = data && typeof data.mobile === 'string' ? data.mobile.trim() : '';
    const fields = {};
    if (!name || name.length > 50) fields.name = 'required, at most 50 characters';
    if (!MOBILE_RE.test(mobile)) fields.mobile = 'a mainland China mobile number';
    if (Object.keys(fields).length) return fail(ack, 'invalid', 'invalid identity', fields);
    socket.data.person = `mobile:${mobile}`;
    socket.data.name = name;
    if (typeof ack === 'function') ack({ ok: true });
  });

  socket.on(EV.JOIN, (data, ack) => {
    const roomId = data && data.room_id != null ? String(data.room_id) : '';
    if (!roomId) return fail(ack, 'invalid', 'room_id is required', { room_id: 'required' });
    const room = getRoom(roomId);
    socket.join(roomId);
    socket.data.rooms.add(roomId);
    room.viewers.add(socket.id);
    markDirty(room);
    if (typeof ack === 'function') ack({ ok: true, state: roomState(room) });
  });

  socket.on(EV.LEAVE, (data, ack) => {
    const roomId = data && data.room_id != null ? String(data.room_id) : '';
    const room = rooms.get(roomId);
    socket.leave(roomId);
    socket.data.rooms.delete(roomId);
    if (room && room.viewers.delete(socket.id)) markDirty(room);
    if (typeof ack === 'function') ack({ ok: true });
  });

  socket.on(EV.PUSH_CARD, (data, ack) => {
    if (opts['host-token'] && socket.data.token !== opts['host-token']) {
      return fail(ack, 'forbidden', 'only the room host may push cards');
    }
    const roomId = data && data.room_id != null ? String(data.room_id) : '';
    const jobId = data && data.job_id != null ? String(data.job_id) : '';
    if (!roomId || !jobId) {
      return fail(ack, 'invalid', 'room_id and job_id are required', {
        room_id: roomId ? undefined : 'required',
        job_id: jobId ? undefined : 'required',
      });
    }
    const room = getRoom(roomId);
    const card = { card_id: String(nextCardId++), job: jobSnapshot(jobId), pushed_at: Date.now() };
    room.cards.unshift(card);
    room.pinned = card;
    live.to(roomId).emit(EV.CARD, { room_id: roomId, card });
    if (typeof ack === 'function') ack({ ok: true, card_id: card.card_id });
  });

  socket.on(EV.UNPIN_CARD, (data, ack) => {
    if (opts['host-token'] && socket.data.token !== opts['host-token']) {
      return fail(ack, 'forbidden', 'only the room host may unpin cards');
    }
    const roomId = data && data.room_id != null ? String(data.room_id) : '';
    const room = rooms.get(roomId);
    if (!room) return fail(ack, 'not_found', 'no such room');
    const cardId = data && data.card_id != null ? String(data.card_id) : '';
    if (room.pinned && room.pinned.card_id === cardId) room.pinned = null;
    if (typeof ack === 'function') ack({ ok: true });
    live.to(roomId).emit(EV.CARD_UNPINNED, { room_id: roomId, card_id: cardId });
  });

  socket.on(EV.SIGN_UP, (data, ack) => {
    const roomId = data && data.room_id != null ? String(data.room_id) : '';
    const jobId = data && data.job_id != null ? String(data.job_id) : '';
    if (!roomId || !jobId) return fail(ack, 'invalid', 'room_id and job_id are required');
    if (!socket.data.person) {
      return fail(ack, 'identify_required', 'say who you are before signing up');
    }
    const room = getRoom(roomId);
    const key = `${socket.data.person}\u0000${jobId}`;
    const created = !signups.has(key);
    if (created) {
      signups.add(key);
      room.counts.set(jobId, (room.counts.get(jobId) || 0) + 1);
      markDirty(room);
    }
    if (typeof ack === 'function') ack({ ok: true, created, count: room.counts.get(jobId) || 0 });
  });

  socket.on('disconnect', () => {
    for (const roomId of socket.data.rooms) {
      const room = rooms.get(roomId);
      if (room && room.viewers.delete(socket.id)) markDirty(room);
    }
  });
});

setInterval(() => {
  for (const room of rooms.values()) {
    if (!room.dirty) continue;
    room.dirty = false;
    live.to(room.room_id).emit(EV.COUNTS, {
      room_id: room.room_id,
      viewers: room.viewers.size,
      signups: Object.fromEntries(room.counts),
    });
  }
}, COUNTS_INTERVAL_MS).unref();

httpServer.listen({ host: BIND_HOST, port: Number(opts.port), backlog: 4096 }, () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});

function shutdown() {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
