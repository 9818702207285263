// One scenario at a time: each runs several processes and a load on two cores, and measures what happens.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
