// The chat web client: plain JavaScript, no build step. Talks to the api (same origin) and to one
// gateway over WebSocket (?gateway=N picks which of /client-config.json's gateways, default 0).

const $ = (id) => document.getElementById(id);
const state = {
  session: JSON.parse(sessionStorage.getItem('chat.session') || 'null'),
  gateways: [], socket: null, backoff: 500, channels: new Map(), current: null,
  messages: new Map(),      // message_id -> {message, element}
  pending: new Map(),       // client_id -> element, until the own copy arrives
  readBy: new Map(),        // user_id -> last_read_message_id (current channel)
  oldest: null, newest: null, hasOlder: false, typingTimers: new Map(), lastTyping: 0,
  thread: null,             // the root of the open thread
  threadShown: new Set(),   // message_ids of the replies it shows
  liveReplies: new Map(),   // root -> replies that arrived live (history may not have them yet)
  positions: new Map(),     // channel_id -> {epoch, seq, resuming}: the last event seen, gap-free
};

// ---- TIMEUUID order: time first, as the server orders history --------------------------------
function uuidTime(id) {
  const h = id.replace(/-/g, '');
  return BigInt('0x' + h.substring(13, 16) + h.substring(8, 12) + h.substring(0, 8));
}
const notBefore = (a, b) => uuidTime(a) >= uuidTime(b);

// ---- names: the server speaks user ids; people read names ------------------------------------
const names = new Map(); // user_id -> name (or a pending promise)
function label(id) {
  const known = names.get(id);
  if (typeof known === 'string') return known;
  if (!known) {
    names.set(id, api('GET', `/api/v1/users/${id}`).then((user) => {
      names.set(id, user.name);
      document.querySelectorAll(`[data-sender="${id}"] .meta, [data-user="${id}"] .who`).forEach((el) => {
        el.textContent = el.textContent.replace(`user ${id}`, user.name);
      });
      document.querySelectorAll(`[data-name-of="${id}"]`).forEach((el) => { el.textContent = user.name; });
      renderTyping();
    }).catch(() => names.delete(id)));
  }
  return `user ${id}`;
}

// ---- api --------------------------------------------------------------------------------------
async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(state.session ? { Authorization: 'Bearer ' + state.session.token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(json && json.detail ? json.detail : response.statusText);
  return json;
}

// ---- login ------------------------------------------------------------------------------------
$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  state.session = await api('POST', '/api/v1/dev/login', { name: $('login-name').value.trim() });
  sessionStorage.setItem('chat.session', JSON.stringify(state.session));
  start();
});

async function start() {
  $('login').hidden = true;
  $('chat').hidden = false;
  $('me').textContent = state.session.name;
  names.set(state.session.user_id, state.session.name);
  const config = await api('GET', '/client-config.json');
  state.gateways = config.gateways;
  connect();
  await loadChannels();
  const asked = new URLSearchParams(location.search).get('channel'); // from a notification
  const remembered = asked || sessionStorage.getItem('chat.channel');
  if (remembered && state.channels.has(remembered)) openChannel(remembered);
  setUpPush(config.vapid_public_key);
}

// ---- push notifications: a service worker shows them while no device of ours is online -------
async function setUpPush(vapidKey) {
  if (!vapidKey || !('serviceWorker' in navigator) || !('PushManager' in window)) return; // push is off, or unsupported
  const registration = await navigator.serviceWorker.register('sw.js');
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'open_channel' && state.channels.has(event.data.channel_id)) {
      openChannel(event.data.channel_id);
    }
  });
  const button = $('notify');
  const existing = await registration.pushManager.getSubscription();
  button.hidden = false;
  button.textContent = existing ? 'Notifications on' : 'Notify me';
  if (existing) register(existing).catch(() => {}); // the same browser, maybe another user now
  button.onclick = async () => {
    try {
      if (await Notification.requestPermission() !== 'granted') throw new Error('notifications are blocked for this site');
      const key = Uint8Array.from(atob(vapidKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const subscription = await registration.pushManager.getSubscription()
        || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      await register(subscription);
      button.textContent = 'Notifications on';
    } catch (error) {
      button.textContent = 'Notify me';
      $('notify-error').textContent = `Notifications unavailable: ${error.message}`;
    }
  };
}

function register(subscription) {
  return api('POST', '/api/v1/push/subscriptions', { ...subscription.toJSON(), previews: true });
}

// ---- WebSocket with reconnect and catch-up -----------------------------------------------------
function connect() {
  const first = Number(new URLSearchParams(location.search).get('gateway') || 0);
  const index = (first + (state.gatewayShift || 0)) % state.gateways.length;
  const socket = new WebSocket(state.gateways[index] + '?token=' + encodeURIComponent(state.session.token));
  state.socket = socket;
  $('connection').textContent = 'connecting…';
  let opened = false;
  socket.onopen = async () => {
    opened = true;
    state.backoff = 500;
    $('connection').textContent = 'online';
    send({ type: 'heartbeat' });
    // missed events come back through hello + resume (or a resync that pages history)
    if (state.current) subscribeMembers();
    await loadChannels();
  };
  socket.onmessage = (event) => onFrame(JSON.parse(event.data));
  socket.onclose = (event) => {
    if (state.socket !== socket) return;
    $('connection').textContent = 'offline — reconnecting';
    // 1012: the gateway drains (or restarts); a socket that never opened: it is down. Try the next one.
    if (event.code === 1012 || !opened) state.gatewayShift = (state.gatewayShift || 0) + 1;
    setTimeout(connect, event.code === 1012 ? Math.random() * 1000 : state.backoff);
    state.backoff = Math.min(state.backoff * 2, 10000);
  };
}
setInterval(() => send({ type: 'heartbeat' }), 15000);
// a safety net: the gateway also tells our sockets when we are added to a channel (member_joined)
setInterval(() => state.session && loadChannels().catch(() => {}), 30000);
window.chat = { dropSocket: () => state.socket && state.socket.close() }; // for tests: a network drop

function send(frame) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

async function catchUp() {
  // after a reconnect: everything after the newest message seen, oldest first
  let after = state.newest;
  for (let more = true; more && after;) {
    const page = await api('GET', `/api/v1/channels/${state.current}/messages?limit=200&after_id=${after}`);
    page.messages.forEach(showMessage);
    more = page.has_more;
    if (page.messages.length) after = page.messages[page.messages.length - 1].message_id;
  }
  if (!state.newest) await loadLatest();
  markRead();
}

// ---- gap-free recovery: every history event carries (epoch, seq) -----------------------------
function onHello(hello) {
  // a channel created while this socket was connecting is not listed yet: list it now, not at the next poll
  if (hello.channels.some((head) => !state.channels.has(head.channel_id))) loadChannels();
  for (const head of hello.channels) {
    const known = state.positions.get(head.channel_id);
    if (!known) {
      state.positions.set(head.channel_id, { epoch: head.epoch, seq: head.seq }); // history comes from REST
    } else if (head.epoch !== known.epoch && known.seq > 0) {
      resync(head);
    } else if (head.seq > known.seq) {
      resume(head.channel_id, known);
    }
  }
}

/** A frame over the socket's budget was not handled: send it again when the server says. */
function retryLater(error) {
  setTimeout(() => {
    const element = error.client_id && state.pending.get(error.client_id);
    if (element && element.frame) {
      send(element.frame); // the same client_id: at most one copy is stored
      return;
    }
    // a refused resume carries no client_id: ask again for every channel still waiting for one
    for (const [channelId, known] of state.positions) {
      if (known.resuming) send({ type: 'resume', channel_id: channelId, epoch: known.epoch, after_seq: known.seq });
    }
  }, error.retry_after_ms || 1000);
}

function resume(channelId, known) {
  if (known.resuming) return;
  known.resuming = true;
  send({ type: 'resume', channel_id: channelId, epoch: known.epoch, after_seq: known.seq });
}

async function resync(frame) {
  // the recovery log cannot prove what we missed: adopt the channel's position and page history
  state.positions.set(frame.channel_id, { epoch: frame.epoch, seq: frame.seq });
  if (frame.channel_id === state.current) await catchUp();
  else loadChannels();
}

/** @returns whether the event is new (not a copy of one seen already) */
function advance(event) {
  const known = state.positions.get(event.channel_id);
  if (!known || (known.epoch !== event.epoch && (event.seq === 1 || known.seq === 0))) {
    state.positions.set(event.channel_id, { epoch: event.epoch, seq: event.seq }); // a new sequence
    return true;
  }
  if (known.epoch !== event.epoch) {
    resync({ channel_id: event.channel_id, epoch: event.epoch, seq: event.seq });
    return true;
  }
  if (event.seq <= known.seq) return false;
  if (event.seq === known.seq + 1) known.seq = event.seq;
  else resume(event.channel_id, known); // a gap: the server sends what is missing, then 'resumed'
  return true;
}

function onFrame(frame) {
  switch (frame.type) {
    case 'hello':
      onHello(frame);
      break;
    case 'resumed':
      state.positions.set(frame.channel_id, { epoch: frame.epoch, seq: frame.seq });
      break;
    case 'resync':
      resync(frame);
      break;
    case 'ack': {
      const element = state.pending.get(frame.client_id);
      if (element) {
        element.dataset.messageId = frame.message_id;
        setStatus(element, 'sent');
        if (frame.channel_id === state.current) remember(frame.message_id, element);
      }
      break;
    }
    case 'message':
      if (!advance(frame)) break;
      if (frame.channel_id === state.current) {
        if (state.typingTimers.has(frame.sender_id)) { // their message ends their typing, whatever stop arrives
          clearTimeout(state.typingTimers.get(frame.sender_id));
          state.typingTimers.delete(frame.sender_id);
          renderTyping();
        }
        if (frame.reply_to) showReply(frame, true);
        else showMessage(frame);
        if (frame.sender_id !== state.session.user_id) markRead();
      } else {
        loadChannels();
      }
      break;
    case 'message_updated':
    case 'message_deleted':
      if (!advance(frame)) break;
      if (frame.channel_id === state.current && state.messages.has(frame.message_id)) {
        renderContent(state.messages.get(frame.message_id).element, frame.type === 'message_deleted'
          ? { deleted: true } : { content: frame.content, edited_at: frame.edited_at });
      }
      break;
    case 'reaction':
      if (!advance(frame)) break;
      if (frame.channel_id === state.current && state.messages.has(frame.message_id)) {
        const element = state.messages.get(frame.message_id).element;
        element.reactions ||= new Map();
        const known = element.reactions.get(frame.emoji) || { count: 0, me: false };
        const mine = frame.user_id === state.session.user_id;
        const add = frame.action === 'add';
        element.reactions.set(frame.emoji, { count: Math.max(0, known.count + (add ? 1 : -1)), me: mine ? add : known.me });
        renderReactions(element);
      }
      break;
    case 'typing':
      if (frame.channel_id === state.current && frame.user_id !== state.session.user_id) showTyping(frame);
      break;
    case 'read_receipt':
      if (frame.channel_id === state.current) {
        state.readBy.set(frame.user_id, frame.last_read_message_id);
        refreshReadStatus();
      }
      break;
    case 'presence':
      showPresence(frame);
      break;
    case 'member_left':
      if (frame.user_id === state.session.user_id) {
        if (frame.channel_id === state.current) closeChannel();
      } else if (frame.channel_id === state.current) {
        notice(`${label(frame.user_id)} left`);
      }
      loadChannels();
      break;
    case 'member_joined':
      if (frame.channel_id === state.current) notice(`${label(frame.user_id)} joined`);
      if (frame.user_id === state.session.user_id && !state.positions.has(frame.channel_id)) {
        // we were added: the socket receives the channel from now on; ask for what it had before
        const known = { epoch: null, seq: 0 };
        state.positions.set(frame.channel_id, known);
        resume(frame.channel_id, known);
      }
      loadChannels();
      break;
    case 'channel_updated': {
      const channel = state.channels.get(frame.channel_id);
      if (channel) channel.name = frame.name;
      if (frame.channel_id === state.current) {
        showChannelName($('title'), channel);
        const who = frame.updated_by === state.session.user_id ? 'You' : label(frame.updated_by);
        notice(`${who} renamed the channel to ${frame.name}`);
      }
      loadChannels();
      break;
    }
    case 'error':
      if (frame.code === 'rate_limited') retryLater(frame);
      else if (frame.client_id && state.pending.has(frame.client_id)) setStatus(state.pending.get(frame.client_id), 'failed: ' + frame.code);
      break;
  }
}

// ---- channels ---------------------------------------------------------------------------------
async function loadChannels() {
  const channels = [];
  let cursor = null;
  do { // a page at a time (100 by default), oldest first
    const page = await api('GET', `/api/v1/channels${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    channels.push(...page.channels);
    cursor = page.next_cursor;
  } while (cursor);
  const list = $('channels');
  list.replaceChildren();
  state.channels.clear();
  for (const channel of channels) {
    state.channels.set(channel.channel_id, channel);
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.channelId = channel.channel_id;
    button.setAttribute('aria-current', String(channel.channel_id === state.current));
    button.append(showChannelName(document.createElement('span'), channel));
    if (channel.unread_count > 0 && channel.channel_id !== state.current) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = channel.unread_capped ? '99+' : String(channel.unread_count);
      badge.setAttribute('aria-label', `${badge.textContent} unread`);
      button.append(badge);
    }
    if (channel.mention_count > 0 && channel.channel_id !== state.current) {
      const badge = document.createElement('span');
      badge.className = 'badge mentions';
      badge.textContent = '@' + channel.mention_count;
      badge.setAttribute('aria-label', `${channel.mention_count} mentions`);
      button.append(badge);
    }
    button.addEventListener('click', () => openChannel(channel.channel_id));
    item.append(button);
    list.append(item);
  }
}

/** Shows a channel's name in an element: a direct channel is named after the other person. */
function showChannelName(element, channel) {
  const pair = channel.type === 'direct' && /^direct (\d+):(\d+)$/.exec(channel.name);
  if (!pair) {
    delete element.dataset.nameOf;
    element.textContent = channel.name;
    return element;
  }
  const other = Number(pair[1]) === state.session.user_id ? Number(pair[2]) : Number(pair[1]);
  element.dataset.nameOf = other; // label() puts the name in when it arrives
  element.textContent = label(other);
  return element;
}

$('new-channel').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('new-error').textContent = '';
  try {
    const names = $('new-members').value.split(',').map((n) => n.trim()).filter(Boolean);
    const ids = [state.session.user_id];
    for (const name of names) ids.push((await api('GET', '/api/v1/users?name=' + encodeURIComponent(name))).user_id);
    const type = $('new-type').value;
    const created = await api('POST', '/api/v1/channels', { type, name: $('new-name').value.trim() || null, member_ids: ids });
    $('new-name').value = '';
    $('new-members').value = '';
    await loadChannels();
    openChannel(created.channel_id);
  } catch (error) {
    $('new-error').textContent = error.message;
  }
});

async function openChannel(id) {
  closeThread();
  state.liveReplies.clear();
  state.current = id;
  sessionStorage.setItem('chat.channel', id);
  state.messages.clear();
  state.pending.clear();
  state.oldest = state.newest = null;
  $('messages').replaceChildren();
  $('typing').textContent = '';
  $('presence').replaceChildren();
  showChannelName($('title'), state.channels.get(id));
  $('composer').hidden = false;
  const group = state.channels.get(id).type === 'group';
  $('rename').hidden = !group;
  $('leave').hidden = !group;
  $('rename-form').hidden = true;
  $('channel-error').textContent = '';
  $('chat').classList.add('in-channel'); // on a phone: the conversation replaces the list
  const { read_positions } = await api('GET', `/api/v1/channels/${id}/read`);
  state.readBy = new Map(read_positions.map((p) => [p.user_id, p.last_read_message_id]));
  [...state.readBy.keys()].forEach(label); // the members' names, for @ suggestions
  subscribeMembers();
  await loadLatest();
  markRead();
  loadChannels();
}

function closeChannel() {
  closeThread();
  state.current = null;
  sessionStorage.removeItem('chat.channel');
  $('composer').hidden = true;
  $('rename').hidden = $('leave').hidden = $('rename-form').hidden = true;
  $('messages').replaceChildren();
  $('typing').textContent = '';
  $('presence').replaceChildren();
  $('title').textContent = 'Pick a channel';
  $('chat').classList.remove('in-channel');
  loadChannels();
}

// ---- managing the open group: rename, leave; on a phone, back to the list ---------------------
$('back').addEventListener('click', closeChannel);
$('rename').addEventListener('click', () => {
  $('rename-form').hidden = false;
  $('rename-name').value = state.channels.get(state.current).name;
  $('rename-name').focus();
});
$('rename-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('PATCH', `/api/v1/channels/${state.current}`, { name: $('rename-name').value.trim() });
    $('rename-form').hidden = true; // the title changes with channel_updated
  } catch (error) {
    $('channel-error').textContent = error.message;
  }
});
$('leave').addEventListener('click', async () => {
  try {
    await api('DELETE', `/api/v1/channels/${state.current}/members/${state.session.user_id}`);
    closeChannel();
  } catch (error) {
    $('channel-error').textContent = error.message;
  }
});

function subscribeMembers() {
  const others = [...state.readBy.keys()].filter((u) => u !== state.session.user_id);
  if (others.length) send({ type: 'subscribe_presence', user_ids: others });
}

async function loadLatest() {
  const channel = state.current;
  const page = await api('GET', `/api/v1/channels/${channel}/messages?limit=50`);
  page.messages.slice().reverse().forEach(showMessage);
  state.hasOlder = page.has_more;
  $('messages').scrollTop = $('messages').scrollHeight;
  // the socket saw a later seq than history holds: messages still on their way to storage
  const known = state.positions.get(channel);
  const newest = page.messages.length ? page.messages[0].seq : 0;
  if (known && known.seq > newest && state.current === channel) setTimeout(() => behind(channel, known.seq), 300);
}

/** History was behind the socket when the channel opened: read again until it has caught up (~10 s). */
async function behind(channel, seq, tries = 0) {
  if (state.current !== channel || tries > 30) return;
  const page = await api('GET', `/api/v1/channels/${channel}/messages?limit=50`);
  if (state.current !== channel) return;
  page.messages.slice().reverse().forEach(showMessage);
  if (!page.messages.length || page.messages[0].seq < seq) setTimeout(() => behind(channel, seq, tries + 1), 300);
}

$('messages').addEventListener('scroll', async () => {
  const list = $('messages');
  if (list.scrollTop > 0 || !state.hasOlder || !state.oldest || state.loadingOlder) return;
  state.loadingOlder = true;
  const height = list.scrollHeight;
  const page = await api('GET', `/api/v1/channels/${state.current}/messages?limit=50&before_id=${state.oldest}`);
  page.messages.forEach(showMessage);
  state.hasOlder = page.has_more;
  list.scrollTop = list.scrollHeight - height;
  state.loadingOlder = false;
});

// ---- messages ---------------------------------------------------------------------------------
function showMessage(message) {
  if (message.reply_to) return; // replies live in their thread; the root shows how many
  if (state.messages.has(message.message_id)) {
    const known = state.messages.get(message.message_id).element;
    if (message.sender_id === state.session.user_id && known.dataset.status === 'sent') setStatus(known, 'delivered');
    return;
  }
  const mine = message.sender_id === state.session.user_id;
  let element = mine ? state.pending.get(message.client_id) : null;
  if (!element) {
    element = document.createElement('li');
    element.append(document.createElement('span'), document.createElement('span'));
    element.firstChild.className = 'text';
    element.lastChild.className = 'meta';
    renderText(element.firstChild, message.content);
    insertInOrder(element, message.message_id);
  }
  if ((message.mentions || []).includes(state.session.user_id)) element.classList.add('mentioned');
  if (element.replyCount === undefined) {
    element.replyCount = message.reply_count || 0;
    renderThreadLink(element);
  }
  element.classList.toggle('mine', mine);
  if (message.deleted || message.edited_at) renderContent(element, message);
  if (message.attachment && !message.deleted && !element.querySelector('.attachment')) showAttachment(element, message);
  if (mine) addTools(element);
  if (!element.reactions) {
    element.reactions = new Map((message.reactions || []).map((r) => [r.emoji, { count: r.count, me: r.me }]));
    renderReactions(element);
  }
  if (element === $('messages').lastElementChild) $('messages').scrollTop = $('messages').scrollHeight; // it grew
  element.dataset.messageId = message.message_id;
  element.dataset.sender = message.sender_id;
  if (message.created_at) element.dataset.at = message.created_at;
  element.lastChild.dataset.who = mine ? 'you' : `user ${message.sender_id}`;
  remember(message.message_id, element);
  if (mine) {
    state.pending.delete(message.client_id);
    setStatus(element, 'delivered');
  } else {
    element.lastChild.textContent = `${label(message.sender_id)} · ${new Date(message.created_at).toLocaleTimeString()}`;
  }
}

function remember(messageId, element) {
  state.messages.set(messageId, { element });
  if (!state.oldest || !notBefore(messageId, state.oldest)) state.oldest = messageId;
  if (!state.newest || notBefore(messageId, state.newest)) state.newest = messageId;
  refreshReadStatus();
}

function insertInOrder(element, messageId) {
  element.dataset.messageId = messageId;
  const list = $('messages');
  const later = [...list.children].find((li) => li.dataset.messageId && !notBefore(messageId, li.dataset.messageId));
  list.insertBefore(element, later || null);
  if (!later) list.scrollTop = list.scrollHeight;
}

// ---- edits and deletions: own messages can be edited and deleted; everyone sees the change ----
function renderContent(element, change) {
  const text = element.firstChild;
  if (change.deleted) {
    element.classList.add('deleted');
    text.textContent = 'message deleted';
    element.querySelector('.tools')?.remove();
    element.querySelector('.reactions')?.remove();
    element.reactions = new Map();
    return;
  }
  renderText(text, change.content);
  if (change.edited_at) {
    const mark = document.createElement('em');
    mark.className = 'edited';
    mark.textContent = ' (edited)';
    text.append(mark);
  }
}

// ---- reactions: counts per emoji under each message; click one to add or take back yours ------
const PICKER = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

function renderReactions(element) {
  if (element.classList.contains('deleted')) return;
  let box = element.querySelector('.reactions');
  if (!box) {
    box = document.createElement('span');
    box.className = 'reactions';
    element.insertBefore(box, element.lastChild);
  }
  box.replaceChildren();
  for (const [emoji, { count, me }] of element.reactions) {
    if (count <= 0) continue;
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = me ? 'chip me' : 'chip';
    chip.textContent = `${emoji} ${count}`;
    chip.setAttribute('aria-pressed', String(me));
    chip.addEventListener('click', () => react(element, emoji));
    box.append(chip);
  }
  const add = document.createElement('button');
  add.type = 'button';
  add.className = 'add-reaction';
  add.textContent = '+';
  add.setAttribute('aria-label', 'React');
  add.addEventListener('click', () => {
    const picker = document.createElement('span');
    picker.className = 'picker';
    for (const emoji of PICKER) {
      const choice = document.createElement('button');
      choice.type = 'button';
      choice.textContent = emoji;
      choice.addEventListener('click', () => { picker.remove(); react(element, emoji); });
      picker.append(choice);
    }
    add.replaceWith(picker);
  });
  box.append(add);
}

async function react(element, emoji) {
  const mine = element.reactions.get(emoji)?.me;
  try { // the reaction frame updates the counts, for everyone alike
    await api(mine ? 'DELETE' : 'PUT',
      `/api/v1/channels/${state.current}/messages/${element.dataset.messageId}/reactions/${encodeURIComponent(emoji)}`);
  } catch (error) {
    $('channel-error').textContent = error.message;
  }
}

function addTools(element) {
  if (element.querySelector('.tools') || element.classList.contains('deleted')) return;
  const tools = document.createElement('span');
  tools.className = 'tools';
  for (const [name, action] of [['edit', editMessage], ['delete', deleteMessage]]) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = name;
    button.textContent = name;
    button.addEventListener('click', () => action(element));
    tools.append(button);
  }
  element.insertBefore(tools, element.lastChild); // the status line stays last
}

function editMessage(element) {
  if (element.querySelector('form')) return;
  const form = document.createElement('form');
  form.className = 'edit-form';
  const input = document.createElement('input');
  input.value = element.firstChild.firstChild ? element.firstChild.firstChild.textContent : '';
  input.setAttribute('aria-label', 'Edit the message');
  input.maxLength = 4000;
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = 'Save';
  form.append(input, save);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const edit = await api('PATCH', `/api/v1/channels/${state.current}/messages/${element.dataset.messageId}`,
        { content: input.value });
      renderContent(element, edit); // the message_updated frame says the same
      form.remove();
    } catch (error) {
      $('channel-error').textContent = error.message;
    }
  });
  element.insertBefore(form, element.lastChild);
  input.focus();
}

async function deleteMessage(element) {
  try {
    await api('DELETE', `/api/v1/channels/${state.current}/messages/${element.dataset.messageId}`);
    renderContent(element, { deleted: true });
  } catch (error) {
    $('channel-error').textContent = error.message;
  }
}

// ---- files: uploaded straight to the store with a signed URL, shown inline when they are images --
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  $('file').value = '';
  if (!file || !state.current) return;
  const channel = state.current;
  try {
    const size = file.type.startsWith('image/') ? await imageSize(file) : {};
    const upload = await api('POST', `/api/v1/channels/${channel}/uploads`,
      { name: file.name, content_type: file.type || 'application/octet-stream', size: file.size });
    await putWithProgress(upload, file);
    const clientId = crypto.randomUUID();
    send({ type: 'message', channel_id: channel, client_id: clientId, content: file.name,
      attachment: { file_id: upload.file_id, name: file.name, content_type: file.type || 'application/octet-stream',
        size: file.size, ...size } });
  } catch (error) {
    $('channel-error').textContent = `Upload failed: ${error.message}`;
  }
});

function imageSize(file) {
  return new Promise((resolve) => {
    const image = new Image();
    const url = URL.createObjectURL(file);
    image.onload = () => { resolve({ width: image.naturalWidth, height: image.naturalHeight }); URL.revokeObjectURL(url); };
    image.onerror = () => { resolve({}); URL.revokeObjectURL(url); };
    image.src = url;
  });
}

function putWithProgress(upload, file) {
  return new Promise((resolve, reject) => {
    const progress = $('upload-progress');
    const request = new XMLHttpRequest();
    request.open('PUT', upload.upload_url);
    Object.entries(upload.headers).forEach(([name, value]) => request.setRequestHeader(name, value));
    request.upload.onprogress = (event) => { progress.hidden = false; progress.value = event.loaded / (event.total || 1); };
    request.onload = () => { progress.hidden = true; request.status < 300 ? resolve() : reject(new Error(`the store answered ${request.status}`)); };
    request.onerror = () => { progress.hidden = true; reject(new Error('the store could not be reached')); };
    request.send(file);
  });
}

/** A file of the channel, fetched with our token (the api redirects to a short-lived signed URL). */
async function fileUrl(channel, attachment) {
  const response = await fetch(`/api/v1/channels/${channel}/files/${attachment.file_id}?name=${encodeURIComponent(attachment.name)}`,
    { headers: { Authorization: 'Bearer ' + state.session.token } });
  if (!response.ok) throw new Error(response.statusText);
  return URL.createObjectURL(await response.blob());
}

function showAttachment(element, message) {
  const a = message.attachment;
  const box = document.createElement('span');
  box.className = 'attachment';
  if (a.content_type.startsWith('image/')) {
    const image = document.createElement('img');
    image.alt = a.name;
    if (a.width && a.height) { // the space is known before the image arrives: no jump
      image.width = a.width;
      image.height = a.height;
    }
    fileUrl(message.channel_id, a).then((url) => { image.src = url; }).catch(() => { image.alt = `${a.name} (unavailable)`; });
    box.append(image);
  } else {
    const link = document.createElement('a');
    link.href = '#';
    link.textContent = `${a.name} (${Math.ceil(a.size / 1024)} KB)`;
    link.addEventListener('click', async (event) => {
      event.preventDefault();
      const save = document.createElement('a');
      save.href = await fileUrl(message.channel_id, a);
      save.download = a.name;
      save.click();
    });
    box.append(link);
  }
  element.insertBefore(box, element.firstChild.nextSibling);
}

function setStatus(element, status) {
  element.dataset.status = status;
  // one's own messages show their time too, once the server gave them one
  const at = element.dataset.at ? new Date(element.dataset.at).toLocaleTimeString() + ' · ' : '';
  element.lastChild.textContent = at + status;
}

function refreshReadStatus() {
  for (const { element } of state.messages.values()) {
    if (!element.classList.contains('mine') || !element.dataset.messageId) continue;
    const read = [...state.readBy].some(([user, last]) =>
      user !== state.session.user_id && last && notBefore(last, element.dataset.messageId));
    if (read) setStatus(element, 'read');
  }
}

function markRead() {
  if (!state.current || !state.newest || document.hidden) return;
  api('PUT', `/api/v1/channels/${state.current}/read`, { last_read_message_id: state.newest }).catch(() => {});
}

function notice(text) {
  const element = document.createElement('li');
  element.className = 'notice';
  element.textContent = text;
  $('messages').append(element);
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const content = $('text').value.trim();
  if (!content || !state.current) return;
  const clientId = crypto.randomUUID();
  const element = document.createElement('li');
  element.className = 'mine';
  element.append(document.createElement('span'), document.createElement('span'));
  element.firstChild.className = 'text';
  element.lastChild.className = 'meta';
  element.firstChild.textContent = content;
  $('messages').append(element);
  $('messages').scrollTop = $('messages').scrollHeight;
  state.pending.set(clientId, element);
  setStatus(element, 'sending');
  const frame = { type: 'message', channel_id: state.current, client_id: clientId, content };
  element.frame = frame;
  if (!send(frame)) {
    // offline: retried with the same client_id when the socket is back (the server de-duplicates)
    const retry = setInterval(() => { if (send(frame)) clearInterval(retry); }, 1000);
  }
  send({ type: 'typing_stop', channel_id: state.current });
  state.lastTyping = 0; // typing again right after a send is shown again
  $('text').value = '';
  $('mention-suggestions').hidden = true;
});

// ---- threads: replies hang off a root; the root shows "N replies", the thread opens beside -----
function renderThreadLink(element) {
  if (element.classList.contains('notice')) return;
  let link = element.querySelector('.thread-link');
  if (!link) {
    link = document.createElement('button');
    link.type = 'button';
    link.className = 'thread-link';
    link.addEventListener('click', () => openThread(element.dataset.messageId));
    element.insertBefore(link, element.lastChild);
  }
  const count = element.replyCount || 0;
  link.textContent = count === 0 ? 'Reply' : count === 1 ? '1 reply' : `${count} replies`;
}

/** A reply arrived live: its root counts one more, and an open thread shows it. */
function showReply(reply, live) {
  const root = state.messages.get(reply.reply_to);
  if (live) {
    const seen = state.liveReplies.get(reply.reply_to) || [];
    if (seen.some((r) => r.message_id === reply.message_id)) return;
    seen.push(reply);
    state.liveReplies.set(reply.reply_to, seen);
    if (root && !state.threadShown.has(reply.message_id)) {
      root.element.replyCount = (root.element.replyCount || 0) + 1;
      renderThreadLink(root.element);
    }
  }
  if (state.thread !== reply.reply_to || state.threadShown.has(reply.message_id)) return;
  state.threadShown.add(reply.message_id);
  const item = document.createElement('li');
  item.dataset.messageId = reply.message_id;
  item.dataset.sender = reply.sender_id;
  if (reply.sender_id === state.session.user_id) item.className = 'mine';
  const text = document.createElement('span');
  text.className = 'text';
  if (reply.deleted) text.textContent = 'message deleted';
  else renderText(text, reply.content);
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = `${reply.sender_id === state.session.user_id ? 'you' : label(reply.sender_id)} · `
    + new Date(reply.created_at).toLocaleTimeString();
  item.append(text, meta);
  $('thread-replies').append(item);
  $('thread-replies').scrollTop = $('thread-replies').scrollHeight;
}

async function openThread(rootId) {
  state.thread = rootId;
  state.threadShown.clear();
  $('thread-replies').replaceChildren();
  const root = state.messages.get(rootId)?.element;
  const rootText = $('thread-root');
  rootText.replaceChildren();
  if (root) {
    const text = document.createElement('span');
    text.textContent = root.firstChild.textContent;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = root.lastChild.textContent;
    rootText.append(text, meta);
  }
  $('thread').hidden = false;
  $('chat').classList.add('in-thread');
  // what arrived live first (history may not have stored it yet), then history fills in, in order
  const live = state.liveReplies.get(rootId) || [];
  const channel = state.current;
  let after = null;
  try {
    do { // oldest first, a page at a time
      const page = await api('GET', `/api/v1/channels/${channel}/messages/${rootId}/replies?limit=100${after ? `&after_id=${after}` : ''}`);
      if (state.thread !== rootId) return;
      page.messages.forEach((reply) => showReply(reply, false));
      after = page.has_more && page.messages.length ? page.messages[page.messages.length - 1].message_id : null;
    } while (after);
  } catch (error) {
    // history may not have the root yet (stored a moment after it was sent): what arrived live shows
    if (state.thread !== rootId) return;
  }
  live.forEach((reply) => showReply(reply, false));
  $('thread-text').focus();
}

function closeThread() {
  state.thread = null;
  state.threadShown.clear();
  $('thread').hidden = true;
  $('chat').classList.remove('in-thread');
}

$('thread-close').addEventListener('click', closeThread);
$('thread-composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const content = $('thread-text').value.trim();
  if (!content || !state.current || !state.thread) return;
  const frame = { type: 'message', channel_id: state.current, client_id: crypto.randomUUID(), content, reply_to: state.thread };
  if (!send(frame)) {
    const retry = setInterval(() => { if (send(frame)) clearInterval(retry); }, 1000);
  }
  $('thread-text').value = '';
  $('mention-suggestions').hidden = true;
});

// ---- mentions: @name is highlighted; typing @ suggests the channel's members ------------------
const MENTION = /(^|[^\p{L}\p{N}._@-])(@[\p{L}\p{N}._-]{1,64})/gu;

/** Puts a message's text in an element, its @mentions marked (as text nodes: never as HTML). */
function renderText(element, content) {
  element.replaceChildren();
  content ??= ''; // a deleted message has none
  let last = 0;
  for (const match of content.matchAll(MENTION)) {
    const start = match.index + match[1].length;
    element.append(document.createTextNode(content.slice(last, start)));
    const mark = document.createElement('span');
    mark.className = 'mention';
    mark.textContent = match[2];
    element.append(mark);
    last = start + match[2].length;
  }
  element.append(document.createTextNode(content.slice(last)));
}

function suggestMentions(input) {
  const box = $('mention-suggestions');
  const before = input.value.slice(0, input.selectionStart ?? input.value.length);
  const token = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  if (!token) { box.hidden = true; return; }
  const prefix = token[1].toLowerCase();
  const names = [...state.readBy.keys()].filter((id) => id !== state.session.user_id).map(label)
    .filter((name) => !name.startsWith('user ') && name.toLowerCase().startsWith(prefix)).slice(0, 5);
  const group = state.channels.get(state.current)?.type === 'group';
  if (group && 'channel'.startsWith(prefix)) names.push('channel');
  box.replaceChildren();
  for (const name of names) {
    const choice = document.createElement('button');
    choice.type = 'button';
    choice.textContent = '@' + name;
    choice.addEventListener('click', () => {
      const start = before.length - token[1].length - 1;
      input.value = input.value.slice(0, start) + '@' + name + ' ' + input.value.slice(before.length);
      box.hidden = true;
      input.focus();
    });
    box.append(choice);
  }
  box.hidden = names.length === 0;
}
$('text').addEventListener('input', () => suggestMentions($('text')));
$('thread-text').addEventListener('input', () => suggestMentions($('thread-text')));

// ---- typing and presence ----------------------------------------------------------------------
$('text').addEventListener('input', () => {
  const now = Date.now();
  if (state.current && now - state.lastTyping > 2000) {
    state.lastTyping = now;
    send({ type: 'typing_start', channel_id: state.current });
  }
});

function showTyping(frame) {
  clearTimeout(state.typingTimers.get(frame.user_id));
  if (frame.state === 'stop') {
    state.typingTimers.delete(frame.user_id);
  } else {
    state.typingTimers.set(frame.user_id, setTimeout(() => {
      state.typingTimers.delete(frame.user_id);
      renderTyping();
    }, frame.expires_in_ms));
  }
  renderTyping();
}

function renderTyping() {
  const users = [...state.typingTimers.keys()];
  $('typing').textContent = users.length ? users.map(label).join(', ') + ' typing…' : '';
}

function showPresence(frame) {
  if (!state.readBy.has(frame.user_id)) return;
  let entry = $('presence').querySelector(`[data-user="${frame.user_id}"]`);
  if (!entry) {
    entry = document.createElement('span');
    entry.dataset.user = frame.user_id;
    $('presence').append(entry);
  }
  entry.dataset.status = frame.status;
  const seen = frame.status === 'online' ? 'online'
    : frame.last_seen_at ? 'last seen ' + new Date(frame.last_seen_at).toLocaleTimeString() : 'offline';
  const dot = document.createElement('span');
  dot.className = frame.status === 'online' ? 'dot online' : 'dot';
  entry.replaceChildren(dot);
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${label(frame.user_id)}: ${seen} `;
  entry.append(who);
}

document.addEventListener('visibilitychange', markRead);
if (state.session) start();
