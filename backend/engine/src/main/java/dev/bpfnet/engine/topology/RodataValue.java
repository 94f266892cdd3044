package dev.bpfnet.engine.topology;

/**
 * A value written into a program's {@code .rodata} global before load, as libbpf
 * skeletons do. Written as a number, or as {@code "ifindex:node/namespace/device"} for
 * the ifindex the engine gives that device.
 */
public sealed interface RodataValue {

	/**
	 * A plain integer, stored in the global's width (little-endian).
	 *
	 * @param value the value
	 */
	record Number(long value) implements RodataValue {

		@Override
		public String toString() {
			return Long.toString(this.value);
		}

	}

	/**
	 * The ifindex of a device, resolved when the topology is instantiated.
	 *
	 * @param device the device
	 */
	record Ifindex(DeviceRef device) implements RodataValue {

		public Ifindex {
			if (device == null) {
				throw new IllegalArgumentException("device must not be null");
			}
		}

		@Override
		public String toString() {
			return "ifindex:" + this.device;
		}

	}

}
