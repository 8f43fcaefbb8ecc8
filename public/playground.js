// The playground's bridge to livekit-client, which /vendor/livekit-client.umd.js (served from
// this origin, never a CDN) defines as window.LivekitClient. The playground island calls
// connect / disconnect / micLevel and receives each event as one JSON string:
//   {type: "connection", state}            the room's connection state
//   {type: "agent", state, storesTranscript}  the agent's lk.agent.state attribute, and
//                                          whether it stores the transcript itself
//   {type: "transcript", segmentId, identity, role, text, isFinal}
//   {type: "error", message}
// Deduplication by segment id, persistence and the state machine are the island's (Rust).
(() => {
  "use strict";

  const AGENT_STATE = "lk.agent.state";
  // Set by agents that store the transcript through the API themselves (Switchboard's does).
  const TRANSCRIPT_STORED = "switchboard.transcript";
  let room = null;
  let meter = null;

  function send(onEvent, event) {
    onEvent(JSON.stringify(event));
  }

  function reportAgent(onEvent, participant) {
    const attributes = participant.attributes || {};
    const state = attributes[AGENT_STATE];
    const storesTranscript = attributes[TRANSCRIPT_STORED] === "stored";
    if (participant.isAgent && state) send(onEvent, { type: "agent", state, storesTranscript });
  }

  // One lk.transcription text stream is one version of a segment: its chunks add up to the
  // text, and a later stream with the same lk.segment_id replaces it.
  function followTranscriptions(lk, onEvent) {
    room.registerTextStreamHandler("lk.transcription", async (reader, participant) => {
      const attributes = reader.info.attributes || {};
      const segmentId = attributes["lk.segment_id"] || reader.info.id;
      const role = participant.identity === room.localParticipant.identity ? "user" : "agent";
      const base = { type: "transcript", segmentId, identity: participant.identity, role };
      let text = "";
      try {
        for await (const chunk of reader) {
          text += chunk;
          send(onEvent, { ...base, text, isFinal: false });
        }
      } catch {
        // The call ended mid-line (the room disconnected): the line stays as it was, unfinished.
        return;
      }
      // The trailer may carry the final flag; a stream without it is final when it ends.
      const final = (reader.info.attributes || {})["lk.transcription_final"];
      send(onEvent, { ...base, text, isFinal: final === undefined || final === "true" });
    });
  }

  // What to tell the tester when the microphone cannot be used, by the browser's error name.
  function microphoneProblem(error) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "The microphone is blocked: allow it for this site in the browser, then start the call again.";
      case "NotFoundError":
      case "OverconstrainedError":
        return "No microphone was found: connect one, then start the call again.";
      case "NotReadableError":
        return "The microphone is in use by another program, or failed: free it, then start the call again.";
      default:
        return `The microphone could not be used: ${error && error.message}`;
    }
  }

  // The microphone's loudness, 0–1, for the level meter.
  function startMeter(track) {
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    meter = {
      context,
      level() {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        return Math.min(1, Math.sqrt(sum / samples.length) * 4);
      },
    };
  }

  async function connect(url, token, onEvent) {
    const lk = window.LivekitClient;
    if (!lk) throw new Error("The LiveKit client did not load from /vendor/livekit-client.umd.js");
    await disconnect();
    room = new lk.Room({ adaptiveStream: true, dynacast: true });
    room
      .on(lk.RoomEvent.ConnectionStateChanged, (state) => send(onEvent, { type: "connection", state }))
      .on(lk.RoomEvent.ParticipantConnected, (p) => reportAgent(onEvent, p))
      .on(lk.RoomEvent.ParticipantAttributesChanged, (_changed, p) => reportAgent(onEvent, p))
      .on(lk.RoomEvent.ParticipantDisconnected, (p) => {
        if (p.isAgent) send(onEvent, { type: "agent", state: "disconnected" });
      })
      .on(lk.RoomEvent.TrackSubscribed, (track) => {
        if (track.kind === lk.Track.Kind.Audio) document.body.appendChild(track.attach());
      })
      .on(lk.RoomEvent.MediaDevicesError, (error) =>
        send(onEvent, { type: "error", message: microphoneProblem(error) }),
      );
    followTranscriptions(lk, onEvent);
    send(onEvent, { type: "connection", state: "connecting" });
    try {
      await room.connect(url, token);
    } catch (error) {
      send(onEvent, { type: "error", message: `Could not connect to LiveKit at ${url}: ${error.message}` });
      return;
    }
    for (const participant of room.remoteParticipants.values()) reportAgent(onEvent, participant);
    try {
      const publication = await room.localParticipant.setMicrophoneEnabled(true);
      if (publication && publication.track) startMeter(publication.track.mediaStreamTrack);
    } catch (error) {
      send(onEvent, { type: "error", message: microphoneProblem(error) });
      // A call the tester cannot speak in is over: leave, so the agent and the room go too.
      await disconnect();
    }
  }

  async function disconnect() {
    if (meter) {
      meter.context.close();
      meter = null;
    }
    if (room) {
      const closing = room;
      room = null;
      await closing.disconnect();
    }
  }

  function micLevel() {
    return meter ? meter.level() : 0;
  }

  window.switchboardPlayground = { connect, disconnect, micLevel };
})();
