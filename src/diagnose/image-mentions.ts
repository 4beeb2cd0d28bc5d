/**
 * Where pasted output names the image it pulls, most explicit first. Each
 * pattern's first group is the image as written (quotes, escapes and a
 * trailing `...` are trimmed by the caller); a few build it from two parts.
 */
export const IMAGE_MENTIONS: ReadonlyArray<{ pattern: RegExp; build?: (m: RegExpExecArray) => string | undefined }> = [
  // kubelet events and CRI errors quote the name they pull.
  {
    pattern:
      /(?:Failed to pull image|Pulling image|Back-off pulling image|failed to pull and unpack image|error pulling image|Inspect of image) "([^"\s]{1,300})"/,
  },
  { pattern: /failed to resolve reference "([^"\s]{1,300})"/ },
  { pattern: /\bimage="([^"\s]{1,300})"/ },
  { pattern: /Trying to pull (?:repository )?(\S{1,300}?)(?:\.\.\.| \.\.\.|$)/m },
  { pattern: /Error pulling candidate (\S{1,300}?):/ },
  { pattern: /^STEP \d+\/\d+: FROM (\S+)/m },
  { pattern: /initializing source docker:\/\/(\S{1,300}?):? / },
  { pattern: /Unable to find image '([^']{1,300})' locally/ },
  { pattern: /manifest for (\S{1,300}) not found/ },
  { pattern: /pull access denied for ([^\s,]{1,300})/ },
  // What the user typed: `docker pull X`, `podman pull --flag X`, `nerdctl -n ns pull X`, `ctr images pull X`, `docker run -it X`.
  {
    pattern:
      /\b(?:docker|podman(?:\.exe)?|nerdctl|crictl|buildah|ctr(?: images?| i)?)(?: --?[\w.=/-]+(?: [^-\s]\S*)?)* (?:pull|run|push)(?: --?[\w-]+(?:=\S+)?)* ([^\s`'"-][^\s`'"]{0,300})/,
  },
  { pattern: /\bskopeo (?:copy|inspect)(?: --?\S+)* docker:\/\/(\S{1,300})/ },
  { pattern: /Using Docker executor with image (\S{1,300}) \.\.\./ },
  { pattern: /Pulling (?:docker image|the latest version of) (\S{1,300}?)(?: \.\.\.|\.\.\.)/ },
  { pattern: /(?:Downloading base image|Retrieving image(?: manifest)?) (\S{1,300})/ },
  { pattern: /^Pulling \S+ \((\S{1,300})\)\.\.\./m },
  { pattern: /^unpacking (\S{1,300}) \(sha256:/m },
  { pattern: /No such image: \[?([^\]\s]{1,300})/ },
  { pattern: /^\s*image: ["']?([^\s"']{1,300})/m },
  // ctr and nerdctl progress: "docker.io/library/nginx:1.25: resolving |---|".
  { pattern: /^(?!(?:index|manifest|config|layer)-)(\S+\/\S+): +(?:resolved|resolving|waiting|exists|done) +\|/m },
  { pattern: /^FROM (?:--\S+ +)*(\S+)/m },
  // "<tag>: Pulling from <repo>": the repository and the tag dockerd pulls.
  // dockerd leaves the registry out of this line, so only a namespaced (Docker Hub) path is taken.
  {
    pattern: /^(?:(\S{1,128}): )?Pulling from ([a-z0-9][\w.-]*\/\S{1,300})/m,
    build: (m) => (m[1] === undefined || m[1] === "`" ? m[2] : `${m[2]}:${m[1]}`),
  },
  {
    pattern: /Error reading manifest (\S{1,300}) in (\S{1,300}?):/,
    build: (m) => `${m[2]}${m[1]?.includes(":") ? "@" : ":"}${m[1]}`,
  },
  // A registry API URL: https://HOST/v2/REPO/manifests/REF.
  {
    pattern: /https?:\/\/([\w.-]{1,255}(?::\d{1,5})?)\/v2\/([\w./-]{1,255}?)\/manifests\/([\w.:-]{1,150})/,
    build: (m) =>
      `${m[1] === "registry-1.docker.io" ? "docker.io" : m[1]}/${m[2]}${m[3]?.includes(":") ? "@" : ":"}${m[3]}`,
  },
  // Any other registry-qualified name with a tag or digest, e.g. in "failed to copy: … docker.io/library/ruby:3.3@sha256:…".
  {
    pattern:
      /(?<![\w.:/@-])((?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?\/[a-z0-9._/-]+(?::\w[\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64}))/,
  },
];
