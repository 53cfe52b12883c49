#!/bin/sh
# Boots a real systemd as PID 1 of a fresh PID + mount namespace, for tests. Run ONLY as
#   unshare --pid --fork --mount --uts --cgroup -- boot-systemd.sh
# (NamespacedSystemd, beside this script, does; docs/architecture.md, "Real systemd in tests"). The private tmpfs
# mounts come first: without them
# systemd-tmpfiles would empty the host's /tmp at boot.
set -eu

die() { echo "boot-systemd.sh: $*" >&2; exit 1; }

# Refuse to run outside a new PID namespace: every mount below would otherwise hit the host.
[ "$$" = 1 ] || die "must be PID 1 of a new PID namespace (run through unshare --pid --fork --mount ...)"

mount --make-rprivate /
# The checkout the tests run from (RUNWAY_CHECKOUT) must stay visible at its path when it lies under /tmp or /var/tmp
# (a clone in /tmp): it is bound to a place in the new /run before the tmpfs covers it, then moved back to its path.
mount -t tmpfs tmpfs /run
# Elsewhere, a folder on the way to the checkout that other users cannot enter (a clone in /root) would keep the task
# user of the tests out: the outermost such folder is covered with a tmpfs of mode 0755 the same way.
keep=
closed=
case "${RUNWAY_CHECKOUT:-}" in
    /tmp/*|/var/tmp/*)
        keep=$RUNWAY_CHECKOUT
        ;;
    /?*)
        dir=$(dirname "$RUNWAY_CHECKOUT")
        while [ "$dir" != / ]; do
            case "$(stat -c %A "$dir")" in
                *x|*t) ;;
                *) closed=$dir ;;
            esac
            dir=$(dirname "$dir")
        done
        [ -z "$closed" ] || keep=$RUNWAY_CHECKOUT
        ;;
esac
if [ -n "$keep" ]; then
    mkdir -p /run/runway-checkout && mount --bind "$keep" /run/runway-checkout || die "cannot hold $keep"
fi
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /var/tmp
if [ -n "$closed" ]; then
    mount -t tmpfs -o mode=0755 tmpfs "$closed" || die "cannot open the way to $keep"
fi
for dir in /tmp /run /var/tmp; do
    [ "$(findmnt -n -o FSTYPE --mountpoint "$dir" | tail -n 1)" = tmpfs ] || die "$dir is not a private tmpfs"
done
if [ -n "$keep" ]; then
    mkdir -p "$keep" && mount --move /run/runway-checkout "$keep" || die "cannot keep $keep visible"
fi
# A proc of this PID namespace, so that systemd's view of /proc/<pid> matches the pids it manages.
mount -t proc proc /proc
# The cgroup mounts still show the host's whole hierarchy, so systemd would manage the host's root cgroup. When the
# caller started this namespace in cgroups of its own (RUNWAY_CGROUPS: their host paths), bind each over its
# hierarchy's mount point: systemd then manages that subtree only, and concurrent instances stay apart.
for cgroup in ${RUNWAY_CGROUPS:-}; do
    mountpoint=$(findmnt -n -o TARGET --target "$cgroup" | tail -n 1)
    mount --bind "$cgroup" "$mountpoint" || echo "boot-systemd.sh: cannot bind $cgroup on $mountpoint" >&2
done

mkdir -p /run/systemd/system
# Units a test does not need (the recipe's list), plus those that would touch host-wide state
# (clock, sysctl, kernel modules, binfmt, users, utmp, random seed).
for unit in \
    systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
    systemd-tmpfiles-clean.timer systemd-tmpfiles-clean.service \
    systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket systemd-journald-audit.socket \
    systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
    systemd-logind.service getty.target console-getty.service \
    systemd-timesyncd.service systemd-sysctl.service systemd-modules-load.service systemd-binfmt.service \
    proc-sys-fs-binfmt_misc.automount systemd-sysusers.service systemd-update-utmp.service \
    systemd-random-seed.service systemd-pstore.service systemd-firstboot.service systemd-machine-id-commit.service \
    systemd-journal-flush.service systemd-repart.service systemd-remount-fs.service kmod-static-nodes.service
do
    ln -sf /dev/null "/run/systemd/system/$unit"
done

cat > /run/systemd/system/runway-test.target <<'UNIT'
[Unit]
Description=Runway test target: systemd with D-Bus only
Requires=dbus.socket dbus.service
After=dbus.service
UNIT

exec /lib/systemd/systemd --system --unit=runway-test.target --log-target=console
