package dev.bpfnet.engine.topology;

/**
 * A static neighbour entry ({@code ip neigh add IP lladdr MAC dev DEV nud permanent}).
 *
 * @param ip neighbour address
 * @param mac its hardware address
 * @param dev device in the same namespace
 */
public record Neighbour(IpAddress ip, MacAddress mac, String dev) {

	public Neighbour {
		if (ip == null || mac == null) {
			throw new IllegalArgumentException("ip and mac must not be null");
		}
		Names.requireDevice("dev", dev);
	}

}
