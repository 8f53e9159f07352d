"""共治 gongzhi: a platform on which a city runs its social governance with its citizens, in the open."""

__version__ = "0.1.0"
