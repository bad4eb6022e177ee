// Runs in the browser page, after hls.min.js. A viewer's player: hls.js with its default configuration on a muted
// autoplaying <video>, as a site would embed it. Everything it sees is recorded in window.sg for the test to read;
// times are milliseconds since attach() was called.
/* global Hls */
"use strict";

window.sg = {
  attachedAt: null,
  events: [],
  levels: null,
  error: null,
  playing: false,
  currentLevel: -1,
};

// Returns the moment of the attach in ms since the epoch, for timing requests against it.
window.sgAttach = function attach(src) {
  const sg = window.sg;
  const video = document.getElementById("video");
  sg.attachedAt = performance.now();
  const since = () => Math.round(performance.now() - sg.attachedAt);
  const log = (type, data) => sg.events.push({ ms: since(), type, ...data });
  const describe = (level, index) => ({
    index,
    url: level.uri ?? level.url[0],
    bitrate: level.bitrate,
    width: level.width,
    height: level.height,
    frameRate: level.frameRate,
    videoCodec: level.videoCodec ?? null,
    audioCodec: level.audioCodec ?? null,
  });

  if (!Hls.isSupported()) {
    sg.error = "hls.js reports that this browser has no MediaSource support";
    return;
  }
  const hls = new Hls();
  window.hls = hls;
  hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
    sg.levels = data.levels.map(describe);
    log("manifestParsed", { levels: data.levels.length, firstLevel: data.firstLevel });
  });
  hls.on(Hls.Events.LEVEL_SWITCHING, (_, data) => log("levelSwitching", { level: data.level }));
  hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
    sg.currentLevel = data.level;
    log("levelSwitched", { level: data.level, bitrate: hls.levels[data.level]?.bitrate });
  });
  hls.on(Hls.Events.FRAG_LOADING, (_, data) => log("fragLoading", { level: data.frag.level, sn: data.frag.sn }));
  hls.on(Hls.Events.FRAG_BUFFERED, (_, data) => log("fragBuffered", { level: data.frag.level, sn: data.frag.sn }));
  hls.on(Hls.Events.FRAG_LOAD_EMERGENCY_ABORTED, (_, data) =>
    log("fragLoadEmergencyAborted", { level: data.frag.level, sn: data.frag.sn }));
  hls.on(Hls.Events.ERROR, (_, data) => {
    log("error", { details: data.details, fatal: data.fatal, status: data.response?.code ?? null, url: data.url ?? data.context?.url ?? null });
    if (data.fatal) sg.error = `${data.type} ${data.details}`;
  });
  for (const name of ["playing", "waiting", "stalled"]) {
    video.addEventListener(name, () => {
      if (name === "playing") sg.playing = true;
      log(name, { currentTime: video.currentTime });
    });
  }
  hls.loadSource(src);
  hls.attachMedia(video);
  return performance.timeOrigin + sg.attachedAt;
};

// What the test polls: the recorded events plus the video's clock and hls.js's current choices.
window.sgSnapshot = function snapshot() {
  const video = document.getElementById("video");
  const hls = window.hls;
  return {
    ...window.sg,
    currentTime: video.currentTime,
    paused: video.paused,
    readyState: video.readyState,
    hlsCurrentLevel: hls ? hls.currentLevel : -1,
    hlsLoadLevel: hls ? hls.loadLevel : -1,
    bandwidthEstimate: hls ? Math.round(hls.bandwidthEstimate) : null,
  };
};
