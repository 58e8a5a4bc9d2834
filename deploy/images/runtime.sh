#!/usr/bin/env bash
# The base the images are built on, made from this machine's JDK instead of a registry's image
# (this build reaches Maven Central and Debian, no image registry): a Java runtime cut to what the
# services use (jlink), the C libraries it needs (from the build machine's Debian), a passwd entry
# for the unprivileged user and an empty /tmp. Jib layers it under each service (extraDirectories).
# Usage: runtime.sh OUTPUT_DIR   (JAVA_HOME: the JDK whose jlink and modules are used)
set -euo pipefail
out="$1"
jdk="${JAVA_HOME:?set JAVA_HOME to the JDK to cut the runtime from}"
stamp="$out/.made-from"
want="$(readlink -f "$jdk") $(sha256sum "$0" | cut -c1-16)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0 # already made from this JDK by this script
fi
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
chmod 1777 "$out/tmp"
"$jdk/bin/jlink" --output "$out/opt/java" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.management.agent,jdk.jfr,jdk.jcmd,jdk.attach,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.localedata
# the C libraries the runtime's binaries and libraries link against, and the dynamic loader (not
# those of the desktop's X11 and sound libraries: the services run headless and never load them)
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -not -name libawt_xawt.so -not -name libjawt.so \
    -not -name libsplashscreen.so -not -name libjsound.so -print0 \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | sort -u \
  | while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    done
# glibc's resolver and the loader's usual places
for lib in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [[ -e "$lib" ]] && mkdir -p "$out$(dirname "$lib")" && cp -L "$lib" "$out$lib"
done
mkdir -p "$out/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "$want" > "$stamp"
