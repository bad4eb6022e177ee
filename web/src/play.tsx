// The embeddable player at /play/{playbackId}: Livepeer's own player (@livepeer/react) fed by this gateway's
// /api/playback/{id}, as Studio's users embed it. Query: ?jwt= or ?accessKey= for gated content, ?autoplay=0,
// ?muted=1, ?loop=1, ?lowLatency=0|force, ?viewerId= for viewership. Views are reported to /analytics/log.
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import * as Player from "@livepeer/react/player";
import { getSrc } from "@livepeer/react/external";

type Src = NonNullable<ReturnType<typeof getSrc>>;

const query = new URLSearchParams(window.location.search);
const playbackId = decodeURIComponent(window.location.pathname.replace(/^\/play\//, "").split("/")[0] ?? "");
const reportUrl = new URL("/analytics/log", window.location.origin).toString();

/** Embedded in a site whose browser blocks third-party storage, reading localStorage throws: the player then keeps no settings. */
const storageAllowed = (() => {
  try {
    window.localStorage.getItem("sg");
    return true;
  } catch {
    return false;
  }
})();

/** Polls the playback info until the id plays something: a stream that is not live yet waits, then starts by itself. */
function usePlayback(id: string): { src: Src | null; message: string | null } {
  const [state, setState] = useState<{ src: Src | null; message: string | null }>({ src: null, message: "Loading…" });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const res = await fetch(`/api/playback/${encodeURIComponent(id)}`);
        if (res.ok) {
          const src = getSrc(await res.json());
          if (src && src.length > 0) {
            if (!stopped) setState({ src, message: null });
            return;
          }
        }
        if (!stopped) setState({ src: null, message: res.status === 404 ? "Nothing to play yet: this video is not ready, or there is none with this id." : "Waiting for the video…" });
      } catch {
        if (!stopped) setState({ src: null, message: "Cannot reach the server; trying again…" });
      }
      if (!stopped) timer = setTimeout(load, 3000);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  return state;
}

/** The Livepeer player reports only to Livepeer's own domains by itself; here it reports to this gateway. */
function ReportViews({ __scopeMedia }: Player.MediaScopedProps) {
  const context = Player.useMediaContext("ReportViews", __scopeMedia);
  useEffect(() => {
    const store = context.store;
    const point = () => {
      if (store.getState().metricsReportingUrl !== reportUrl) store.getState().__controlsFunctions.setMetricsReportingUrl(reportUrl);
    };
    point();
    return store.subscribe(point);
  }, [context.store]);
  return null;
}

const button: React.CSSProperties = { background: "none", border: 0, color: "#fff", cursor: "pointer", padding: 6, font: "inherit" };

function App() {
  const { src, message } = usePlayback(playbackId);
  if (!playbackId) return <Notice text="No playback id in the address: use /play/{playbackId}." />;
  if (!src) return <Notice text={message ?? ""} />;
  const lowLatency = query.get("lowLatency");
  return (
    <Player.Root
      src={src}
      autoPlay={query.get("autoplay") !== "0"}
      volume={query.get("muted") === "1" ? 0 : 1}
      jwt={query.get("jwt")}
      accessKey={query.get("accessKey")}
      viewerId={query.get("viewerId")}
      storage={storageAllowed ? undefined : null}
      lowLatency={lowLatency === "force" ? "force" : lowLatency !== "0"}
    >
      <ReportViews />
      <Player.Container style={{ width: "100%", height: "100%", position: "relative", background: "#000" }}>
        <Player.Video
          title="video"
          data-testid="video"
          loop={query.get("loop") === "1"}
          muted={query.get("muted") === "1"}
          style={{ width: "100%", height: "100%", objectFit: "contain" }}
        />
        <Player.Poster style={{ position: "absolute", inset: 0, width: "100%", height: "100%", objectFit: "contain" }} />
        <Player.LoadingIndicator style={{ position: "absolute", inset: 0, display: "grid", placeItems: "center" }}>
          <span>Loading…</span>
        </Player.LoadingIndicator>
        <Player.ErrorIndicator matcher="all" style={{ position: "absolute", inset: 0, display: "grid", placeItems: "center" }}>
          <span>The video cannot be played right now; retrying…</span>
        </Player.ErrorIndicator>
        <Player.Controls
          style={{ position: "absolute", left: 0, right: 0, bottom: 0, display: "flex", alignItems: "center", gap: 8, padding: 8,
            background: "linear-gradient(transparent, rgba(0,0,0,.7))" }}
        >
          <Player.PlayPauseTrigger style={button}>
            <Player.PlayingIndicator asChild matcher={false}><span>▶</span></Player.PlayingIndicator>
            <Player.PlayingIndicator asChild><span>❚❚</span></Player.PlayingIndicator>
          </Player.PlayPauseTrigger>
          <Player.LiveIndicator style={{ color: "#f44", fontWeight: 600 }}>LIVE</Player.LiveIndicator>
          <Player.LiveIndicator matcher={false} asChild>
            <Player.Time style={{ fontVariantNumeric: "tabular-nums" }} />
          </Player.LiveIndicator>
          <Player.Seek style={{ flex: 1, position: "relative", height: 20, display: "flex", alignItems: "center" }}>
            <Player.Track style={{ position: "relative", flex: 1, height: 3, background: "rgba(255,255,255,.3)" }}>
              <Player.SeekBuffer style={{ position: "absolute", height: "100%", background: "rgba(255,255,255,.5)" }} />
              <Player.Range style={{ position: "absolute", height: "100%", background: "#fff" }} />
            </Player.Track>
            <Player.Thumb style={{ display: "block", width: 10, height: 10, borderRadius: 5, background: "#fff" }} />
          </Player.Seek>
          <Player.MuteTrigger style={button}>
            <Player.VolumeIndicator asChild matcher={false}><span>🔇</span></Player.VolumeIndicator>
            <Player.VolumeIndicator asChild matcher={true}><span>🔊</span></Player.VolumeIndicator>
          </Player.MuteTrigger>
          <Player.VideoQualitySelect name="quality" defaultValue="auto">
            <Player.SelectTrigger style={button} aria-label="Quality"><Player.SelectValue placeholder="Quality" /></Player.SelectTrigger>
            <Player.SelectPortal>
              <Player.SelectContent style={{ background: "#111", color: "#fff", padding: 4, borderRadius: 4 }}>
                <Player.SelectViewport>
                  {(["auto", "1080p", "720p", "480p", "360p", "240p", "144p"] as const).map((q) => (
                    <Player.VideoQualitySelectItem key={q} value={q} style={{ padding: "4px 8px", cursor: "pointer" }}>
                      <Player.SelectItemText>{q}</Player.SelectItemText>
                    </Player.VideoQualitySelectItem>
                  ))}
                </Player.SelectViewport>
              </Player.SelectContent>
            </Player.SelectPortal>
          </Player.VideoQualitySelect>
          <Player.FullscreenTrigger style={button}>⛶</Player.FullscreenTrigger>
        </Player.Controls>
      </Player.Container>
    </Player.Root>
  );
}

function Notice({ text }: { text: string }) {
  return <div style={{ height: "100%", display: "grid", placeItems: "center", padding: 16, textAlign: "center" }} role="status">{text}</div>;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
