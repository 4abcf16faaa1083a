"""Which addresses the link checker may connect to: public ones only, so an editor cannot use it to reach the
site's own network. A host name is resolved once, every address it gives is checked, and the checker then
connects to the checked address itself, so a second lookup cannot return something else (DNS rebinding)."""

import ipaddress
import socket


class RefusedAddress(Exception):
    """The host resolves to an address on a private, loopback, link-local or otherwise special network."""


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to for `host`. Raises RefusedAddress if any address it resolves to is not public
    (one bad answer is enough to refuse), or socket.gaierror if it does not resolve."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(str(answer[4][0]).split("%")[0]) for answer in answers]
    addresses.sort(key=lambda address: address.version)  # IPv4 first: more servers listen on it
    if not addresses:
        raise socket.gaierror(f"{host} has no address")
    if not allow_private:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise RefusedAddress(f"{host} is on a private or local network ({refused[0]})")
    return str(addresses[0])
