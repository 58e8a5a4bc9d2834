// The web client's service worker: shows the push notifications the notifier sends for new
// messages while none of the user's devices is online, one per channel (a newer one replaces it).
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  const from = data.sender_name || 'someone';
  const title = data.channel_type === 'direct' ? from : (data.channel_name || 'chat');
  const body = data.preview !== undefined ? (data.channel_type === 'direct' ? data.preview : `${from}: ${data.preview}`)
    : `New message from ${from}`;
  event.waitUntil(self.registration.showNotification(title, {
    body, tag: data.channel_id || 'chat', renotify: true, data: { channel_id: data.channel_id },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const channel = event.notification.data && event.notification.data.channel_id;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    for (const client of windows) {
      if ('focus' in client) {
        client.postMessage({ type: 'open_channel', channel_id: channel });
        return client.focus();
      }
    }
    return self.clients.openWindow(channel ? `./?channel=${channel}` : './');
  }));
});
